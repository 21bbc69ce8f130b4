import { useRef, type ReactNode } from "react";
import { Empty } from "@/components/Empty";
import { LoadError } from "@/components/LoadError";
import { Loading } from "@/components/Loading";
import { Pager } from "@/components/Pager";
import { useLimits } from "@/lib/uiConfig";
import type { useTicketList } from "../api/useTicketList";
import { useRowKeys } from "../hooks/useRowKeys";
import { ShortcutsHint } from "./ShortcutsHint";
import { TicketTable, type Selection, type Sorting } from "./TicketTable";

/** A page of a ticket list as its query stands: loading, the error with a retry, `empty`,
 * or the table (j / k / Enter to move and open), the pager and the shortcuts' hint. */
export function TicketList({
  list,
  what,
  empty,
  caption,
  showAssignee,
  offset,
  onOffset,
  sorting,
  selection,
}: {
  list: ReturnType<typeof useTicketList>;
  /** "Loading {what}…" */
  what: string;
  empty: ReactNode;
  caption: string;
  showAssignee: boolean;
  offset: number;
  onOffset: (offset: number) => void;
  sorting?: Sorting;
  selection?: Selection;
}) {
  // The pager steps by the service's page size (GET /api/ui-config).
  const limits = useLimits();
  const table = useRef<HTMLTableElement>(null);
  const items = list.data?.items;
  const active = useRowKeys(items?.map((t) => t.id) ?? [], table);
  if (list.isLoading) return <Loading what={what} />;
  if (list.error) return <LoadError error={list.error} retry={() => void list.refetch()} />;
  if (!items?.length) return <Empty>{empty}</Empty>;
  return (
    <>
      <TicketTable tickets={items} caption={caption} showAssignee={showAssignee} sorting={sorting} selection={selection} active={active} tableRef={table} />
      {limits && <Pager offset={offset} count={items.length} pageSize={limits.page_size} nextOffset={list.data!.next_offset} onOffset={onOffset} />}
      <ShortcutsHint select={!!selection} />
    </>
  );
}
