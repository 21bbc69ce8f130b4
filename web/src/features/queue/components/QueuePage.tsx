import { useState } from "react";
import { useSearchParams } from "react-router";
import { FormError } from "@/components/FormError";
import { useUser } from "@/lib/session/useSession";
import { useAssignees } from "@/lib/useAssignees";
import { useBulkUpdate } from "../api/useBulkUpdate";
import { useTicketList } from "../api/useTicketList";
import { isChangeable, type BulkChange } from "../bulk";
import { readFilters, toListFilters } from "../filters";
import { parseSort, QUEUE_SORT, type Sort } from "../sort";
import { BulkBar } from "./BulkBar";
import { BulkSummary } from "./BulkSummary";
import { QueueFilters } from "./QueueFilters";
import { TicketList } from "./TicketList";
import { ViewTabs } from "./ViewTabs";

/** The agents' queue, and the breached view: the list API's filters and sort, kept in the
 * URL so a view can be reloaded, bookmarked and shared; soonest due first unless told;
 * tickets ticked on the page changed together. */
export function QueuePage({ view }: { view: "queue" | "breached" }) {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const breachedView = view === "breached";
  const filters = readFilters(params, breachedView);
  const sort = parseSort(params.get("sort"), QUEUE_SORT);
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const list = useTicketList({ breachedView, ...toListFilters(filters), sort, offset });

  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const bulk = useBulkUpdate();
  // Whom a bulk change assigned: someone from the picker (read when it was offered), or
  // an assignee the page's tickets name.
  const assignees = useAssignees(false);
  const names = new Map<number, string>();
  for (const t of list.data?.items ?? []) if (t.assignee) names.set(t.assignee.id, t.assignee.name);
  for (const person of assignees.data ?? []) names.set(person.id, person.name);
  const youOrName = (id: number | null) => (id === null ? "Unassigned" : id === user.id ? "you" : (names.get(id) ?? `User #${id}`));

  /** Change some filters; any change goes back to the first page, with nothing ticked. */
  function update(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    if (!("offset" in changes)) next.delete("offset");
    setParams(next);
    setSelected(new Set());
    bulk.reset();
  }

  const setSort = (value: Sort) => update({ sort: value === QUEUE_SORT ? null : value });

  function select(ids: number[], on: boolean) {
    setSelected((previous) => {
      const next = new Set(previous);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }

  const chosen = (list.data?.items ?? []).filter((t) => selected.has(t.id) && isChangeable(t));

  function run(change: BulkChange) {
    bulk.mutate(
      { tickets: chosen, change },
      {
        // The tickets changed or already so are done; those changed meanwhile stay ticked.
        onSuccess: (result) => select([...result.updated, ...result.unchanged], false),
      },
    );
  }

  const title = breachedView ? "Breached tickets" : "Queue";
  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>{title}</h1>
        {list.isFetching && !list.isLoading && (
          <span className="muted" role="status">
            Refreshing…
          </span>
        )}
      </div>
      {breachedView ? (
        <p className="muted">Tickets past their resolution target, not closed: running or paused past it, or resolved late.</p>
      ) : (
        <ViewTabs />
      )}
      <QueueFilters title={title} breachedView={breachedView} filters={filters} sort={sort} onSort={setSort} update={update} />
      {bulk.data && <BulkSummary result={bulk.data} nameOf={youOrName} onReload={() => void list.refetch()} onDismiss={() => bulk.reset()} />}
      <FormError error={bulk.error} />
      {chosen.length > 0 && <BulkBar tickets={chosen} user={user} running={bulk.isPending} onRun={run} onClear={() => setSelected(new Set())} />}
      <TicketList
        list={list}
        what="tickets"
        empty={<p>{breachedView ? "No breached tickets. Every ticket is within its SLA." : "No tickets match these filters."}</p>}
        caption={title}
        showAssignee
        offset={offset}
        onOffset={(value) => update({ offset: value ? String(value) : null })}
        sorting={{ sort, onSort: setSort }}
        selection={{ selected, onChange: select }}
      />
    </section>
  );
}
