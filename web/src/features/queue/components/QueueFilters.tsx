import { useId, useState } from "react";
import { STATUS_LABELS, STATUSES } from "@/lib/tickets/labels";
import type { Status } from "@/lib/api/types";
import type { QueueFilters as Filters } from "../filters";
import { SORTS, type Sort } from "../sort";
import { SearchBox } from "./SearchBox";

const ASSIGNEES = [
  ["", "Anyone"],
  ["me", "Me"],
  ["none", "Unassigned"],
] as const;

/** The queue's search and filters. On a phone the filters fold behind one "Filters"
 * button (styles.css hides the button on wider screens, where they always show). */
export function QueueFilters({
  title,
  breachedView,
  filters,
  sort,
  onSort,
  update,
}: {
  title: string;
  breachedView: boolean;
  filters: Filters;
  sort: Sort;
  onSort: (sort: Sort) => void;
  update: (changes: Record<string, string | null>) => void;
}) {
  const [open, setOpen] = useState(false);
  const fieldsId = useId();
  const { statuses, assignee, breachedOnly, firstReplyOverdue, query } = filters;

  function toggleStatus(status: Status, on: boolean) {
    const chosen = STATUSES.filter((s) => (s === status ? on : statuses.includes(s)));
    update({ status: chosen.join(",") });
  }

  return (
    <div className="filters" role="group" aria-label={`Filter ${title.toLowerCase()}`}>
      <SearchBox query={query} onSearch={(value) => update({ query: value })} label={`Search ${title.toLowerCase()}`} placeholder="Words in title, description or comments" />
      <button type="button" className="filters-toggle" aria-expanded={open} aria-controls={fieldsId} onClick={() => setOpen(!open)}>
        Filters
      </button>
      <div id={fieldsId} className={`filter-fields${open ? " open" : ""}`}>
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
        <div>
          <label htmlFor="sort">Sort by</label>
          <select id="sort" value={sort} onChange={(e) => onSort(e.target.value as Sort)}>
            {SORTS.map(({ sort, words }) => (
              <option key={sort} value={sort}>
                {words}
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
            <input type="checkbox" checked={firstReplyOverdue} onChange={(e) => update({ first_response_breached: e.target.checked ? "true" : null })} />
            First reply overdue
          </label>
        </div>
      </div>
    </div>
  );
}
