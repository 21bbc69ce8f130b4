import { Link } from "react-router";
import { FieldError } from "@/components/FieldError";
import type { TicketDetail } from "@/lib/api/types";

/** Which closed ticket the new one follows up (its title once read), and the service's
 * refusal of it beside it: the ticket reopened since, or not one the person can see. */
export function FollowUpOf({ id, ticket, error }: { id: number; ticket: TicketDetail | undefined; error: string | undefined }) {
  return (
    <div className="follow-up-of">
      <p className="notice">
        Follow-up of <Link to={`/tickets/${id}`}>#{id}</Link>
        {ticket && <>: {ticket.title}</>}
      </p>
      <FieldError id="follow_up_of" message={error} />
    </div>
  );
}
