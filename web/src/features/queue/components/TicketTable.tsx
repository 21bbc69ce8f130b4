import { Link } from "react-router";
import { FirstResponseClock, PriorityBadge, SlaClock, StatusBadge } from "@/features/tickets";
import type { Ticket } from "@/lib/api/types";
import { useNameOf } from "@/lib/directory";

/** Tickets as a table; on a phone-width screen each row becomes a card (styles.css). The
 * SLA cell: the first reply's clock while it is owed, above the resolution clock. */
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
              <div className="clocks">
                <FirstResponseClock ticket={ticket} />
                <SlaClock ticket={ticket} />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
