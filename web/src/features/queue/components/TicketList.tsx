import type { ReactNode } from "react";
import { Empty } from "@/components/Empty";
import { LoadError } from "@/components/LoadError";
import { Loading } from "@/components/Loading";
import { Pager } from "@/components/Pager";
import { useLimits } from "@/lib/uiConfig";
import type { useTicketList } from "../api/useTicketList";
import { TicketTable } from "./TicketTable";

/** A page of a ticket list as its query stands: loading, the error with a retry, `empty`,
 * or the table and the pager. */
export function TicketList({
  list,
  what,
  empty,
  caption,
  showAssignee,
  offset,
  onOffset,
}: {
  list: ReturnType<typeof useTicketList>;
  /** "Loading {what}…" */
  what: string;
  empty: ReactNode;
  caption: string;
  showAssignee: boolean;
  offset: number;
  onOffset: (offset: number) => void;
}) {
  // The pager steps by the service's page size (GET /api/ui-config).
  const limits = useLimits();
  if (list.isLoading) return <Loading what={what} />;
  if (list.error) return <LoadError error={list.error} retry={() => void list.refetch()} />;
  if (!list.data?.items.length) return <Empty>{empty}</Empty>;
  return (
    <>
      <TicketTable tickets={list.data.items} caption={caption} showAssignee={showAssignee} />
      {limits && (
        <Pager offset={offset} count={list.data.items.length} pageSize={limits.page_size} nextOffset={list.data.next_offset} onOffset={onOffset} />
      )}
    </>
  );
}
