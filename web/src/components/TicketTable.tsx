import { Link } from "react-router";
import type { Ticket } from "../api/client";
import { useNameOf } from "../api/queries";
import { PriorityBadge, StatusBadge } from "./format";
import { SlaClock } from "./SlaClock";

/** Tickets as a table; on a phone-width screen each row becomes a card (styles.css). */
export function TicketTable({ tickets, caption, showAssignee }: { tickets: Ticket[]; caption: string; showAssignee: boolean }) {
  const nameOf = useNameOf();
  return (
    <table className="tickets">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Title</th>
          <th scope="col">Status</th>
          <th scope="col">Priority</th>
          {showAssignee && <th scope="col">Assignee</th>}
          <th scope="col">SLA</th>
        </tr>
      </thead>
      <tbody>
        {tickets.map((ticket) => (
          <tr key={ticket.id} className={ticket.breached ? "breached" : undefined}>
            <td data-label="#">{ticket.id}</td>
            <td data-label="Title" className="title-cell">
              <Link to={`/tickets/${ticket.id}`}>{ticket.title}</Link>
            </td>
            <td data-label="Status">
              <StatusBadge status={ticket.status} />
            </td>
            <td data-label="Priority">
              <PriorityBadge priority={ticket.priority} />
            </td>
            {showAssignee && <td data-label="Assignee">{nameOf(ticket.assignee_id)}</td>}
            <td data-label="SLA">
              <SlaClock dueAt={ticket.due_at} status={ticket.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Pager({
  offset,
  count,
  pageSize,
  nextOffset,
  onOffset,
}: {
  offset: number;
  count: number;
  pageSize: number;
  nextOffset: number | null;
  onOffset: (offset: number) => void;
}) {
  if (offset === 0 && nextOffset === null) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        ← Previous
      </button>
      <span aria-live="polite">
        {count ? `${offset + 1}–${offset + count}` : "none"}
      </span>
      <button type="button" disabled={nextOffset === null} onClick={() => nextOffset !== null && onOffset(nextOffset)}>
        Next →
      </button>
    </nav>
  );
}
