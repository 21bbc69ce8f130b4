import { Link } from "react-router";
import type { TicketDetail } from "@/lib/api/types";

/** The link between a follow-up and the closed ticket it follows up, both ways: as terms
 * of the ticket's facts list. */
export function FollowUpFacts({ ticket }: { ticket: TicketDetail }) {
  return (
    <>
      {ticket.follow_up_of !== null && (
        <>
          <dt>Follow-up of</dt>
          <dd>
            <Link to={`/tickets/${ticket.follow_up_of}`}>#{ticket.follow_up_of}</Link>
          </dd>
        </>
      )}
      {ticket.follow_ups.length > 0 && (
        <>
          <dt>Follow-ups</dt>
          <dd>
            <ul className="inline-list">
              {ticket.follow_ups.map((id) => (
                <li key={id}>
                  <Link to={`/tickets/${id}`}>#{id}</Link>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </>
  );
}
