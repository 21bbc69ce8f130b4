import type { RefObject } from "react";
import { useNow } from "@/hooks/useNow";
import type { Ticket } from "@/lib/api/types";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { isChangeable } from "../bulk";
import type { Sort } from "../sort";
import { SortHeader } from "./SortHeader";
import { TicketRow } from "./TicketRow";

export interface Selection {
  selected: ReadonlySet<number>;
  /** Tick or untick these tickets. */
  onChange: (ids: number[], on: boolean) => void;
}

export interface Sorting {
  sort: Sort;
  onSort: (sort: Sort) => void;
}

/** Tickets as a table (a fixed layout: long titles are cut, in full on hover); headers
 * that sort when `sorting` is given, checkboxes when `selection` is. Agents and admins see
 * the SLA clocks (the first reply's above the resolution's while it is owed), a requester
 * where the ticket stands. */
export function TicketTable({
  tickets,
  caption,
  showAssignee,
  sorting,
  selection,
  active,
  tableRef,
}: {
  tickets: Ticket[];
  caption: string;
  showAssignee: boolean;
  sorting?: Sorting;
  selection?: Selection;
  active: number | null;
  tableRef?: RefObject<HTMLTableElement | null>;
}) {
  const user = useUser();
  const staff = isStaff(user);
  const now = useNow(60_000);
  const options = { staff, assignee: showAssignee ? { me: user } : undefined, selectable: !!selection, now };

  const changeable = tickets.filter(isChangeable).map((t) => t.id);
  const ticked = selection ? changeable.filter((id) => selection.selected.has(id)).length : 0;
  const header = (sort: Sort, label: string, className: string) =>
    sorting ? (
      <SortHeader sort={sort} current={sorting.sort} onSort={sorting.onSort} className={className} />
    ) : (
      <th scope="col" className={className}>
        {label}
      </th>
    );

  return (
    <table className={`tickets${selection ? " selectable" : ""}${showAssignee ? " with-assignee" : ""}`} ref={tableRef}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {selection && (
            <th scope="col" className="col-check">
              <label className="select-all">
                <input
                  type="checkbox"
                  checked={changeable.length > 0 && ticked === changeable.length}
                  ref={(box) => {
                    if (box) box.indeterminate = ticked > 0 && ticked < changeable.length;
                  }}
                  disabled={!changeable.length}
                  onChange={(e) => selection.onChange(changeable, e.target.checked)}
                />
                <span className="select-all-text">Select all on this page</span>
              </label>
            </th>
          )}
          <th scope="col" className="col-title">
            Title
          </th>
          <th scope="col" className="col-status">
            Status
          </th>
          {header("-priority", "Priority", "col-priority")}
          {showAssignee && (
            <th scope="col" className="col-assignee">
              Assignee
            </th>
          )}
          {staff ? (
            header("due_at", "Due", "col-due")
          ) : (
            <th scope="col" className="col-progress">
              Progress
            </th>
          )}
          {header("-updated_at", "Updated", "col-updated")}
          {header("-created_at", "Opened", "col-opened")}
        </tr>
      </thead>
      <tbody>
        {tickets.map((ticket) => (
          <TicketRow
            key={ticket.id}
            ticket={ticket}
            options={options}
            selected={selection?.selected.has(ticket.id) ?? false}
            active={active === ticket.id}
            onSelect={(on) => selection?.onChange([ticket.id], on)}
          />
        ))}
      </tbody>
    </table>
  );
}
