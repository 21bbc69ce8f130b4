import { useSearchParams } from "react-router";
import { STATUS_LABELS, STATUSES } from "@/features/tickets";
import type { Status } from "@/lib/api/types";
import { useTicketList } from "../api/useTicketList";
import { SearchBox } from "./SearchBox";
import { TicketList } from "./TicketList";

// The queue opens on the work not done yet, paused tickets (pending, on hold) included;
// "status=" (none ticked) means every status.
const DEFAULT_STATUSES: Status[] = ["open", "in_progress", "pending", "on_hold"];
const ASSIGNEES = [
  ["", "Anyone"],
  ["me", "Me"],
  ["none", "Unassigned"],
] as const;

/** The agents' queue, and the breached view: the list API's filters, kept in the URL so a
 * view can be reloaded, bookmarked and shared. */
export function QueuePage({ view }: { view: "queue" | "breached" }) {
  const [params, setParams] = useSearchParams();
  const breachedView = view === "breached";
  const statusParam = params.get("status");
  const statuses: Status[] =
    statusParam === null
      ? breachedView
        ? []
        : DEFAULT_STATUSES
      : (statusParam.split(",").filter((s) => (STATUSES as readonly string[]).includes(s)) as Status[]);
  const assignee = params.get("assignee") ?? "";
  const breachedOnly = params.get("breached") === "true";
  const firstReplyOverdue = params.get("first_response_breached") === "true";
  const query = params.get("query") ?? "";
  const offset = Math.max(0, Number(params.get("offset")) || 0);

  const list = useTicketList({
    breachedView,
    status: statuses.join(","),
    assignee,
    breached: !breachedView && breachedOnly ? "true" : undefined,
    firstResponseBreached: firstReplyOverdue ? "true" : undefined,
    query,
    offset,
  });

  /** Change some filters; any change goes back to the first page. */
  function update(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    if (!("offset" in changes)) next.delete("offset");
    setParams(next);
  }

  function toggleStatus(status: Status, on: boolean) {
    const chosen = STATUSES.filter((s) => (s === status ? on : statuses.includes(s)));
    update({ status: chosen.join(",") });
  }

  const title = breachedView ? "Breached tickets" : "Queue";
  return (
    <section>
      <div className="page-head">
        <h1>{title}</h1>
        {list.isFetching && !list.isLoading && (
          <span className="muted" role="status">
            Refreshing…
          </span>
        )}
      </div>
      {breachedView && <p className="muted">Tickets past their resolution target, not closed: running or paused past it, or resolved late.</p>}
      <div className="filters" role="group" aria-label={`Filter ${title.toLowerCase()}`}>
        <SearchBox
          query={query}
          onSearch={(value) => update({ query: value })}
          label={`Search ${title.toLowerCase()}`}
          placeholder="Words in title, description or comments"
        />
        <fieldset>
          <legend>
            Status <span className="hint-inline">(none ticked: any)</span>
          </legend>
          {STATUSES.map((status) => (
            <label key={status} className="check">
              <input type="checkbox" checked={statuses.includes(status)} onChange={(e) => toggleStatus(status, e.target.checked)} />
              {STATUS_LABELS[status]}
            </label>
          ))}
        </fieldset>
        <div>
          <label htmlFor="assignee">Assignee</label>
          <select id="assignee" value={assignee} onChange={(e) => update({ assignee: e.target.value || null })}>
            {ASSIGNEES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="checks">
          {!breachedView && (
            <label className="check">
              <input type="checkbox" checked={breachedOnly} onChange={(e) => update({ breached: e.target.checked ? "true" : null })} />
              Breached only
            </label>
          )}
          <label className="check">
            <input
              type="checkbox"
              checked={firstReplyOverdue}
              onChange={(e) => update({ first_response_breached: e.target.checked ? "true" : null })}
            />
            First reply overdue
          </label>
        </div>
      </div>
      <TicketList
        list={list}
        what="tickets"
        empty={<p>{breachedView ? "No breached tickets. Every ticket is within its SLA." : "No tickets match these filters."}</p>}
        caption={title}
        showAssignee
        offset={offset}
        onOffset={(value) => update({ offset: value ? String(value) : null })}
      />
    </section>
  );
}
