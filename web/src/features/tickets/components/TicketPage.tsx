import { Link, useParams } from "react-router";
import { formatDateTime } from "@/lib/format";
import { LoadError } from "@/components/LoadError";
import { Loading } from "@/components/Loading";
import { ApiError } from "@/lib/api/client";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { useAssignees } from "@/lib/useAssignees";
import { useTicket } from "../api/useTicket";
import { namesOn } from "../people";
import { Comments } from "./Comments";
import { FirstResponseClock } from "@/components/tickets/FirstResponseClock";
import { FollowUpFacts } from "./FollowUpFacts";
import { LinkedText } from "./LinkedText";
import { PriorityBadge } from "@/components/tickets/PriorityBadge";
import { RequesterProgress } from "@/components/tickets/RequesterProgress";
import { SlaClock } from "@/components/tickets/SlaClock";
import { StatusBadge } from "@/components/tickets/StatusBadge";
import { TicketEditor } from "./TicketEditor";
import { Timeline } from "./Timeline";

export function TicketPage() {
  const { id } = useParams();
  const ticketId = Number(id);
  const user = useUser();
  const loaded = useTicket(ticketId);
  const staff = isStaff(user);
  // Read beside the ticket, so that the assignee picker is whole when the editor shows it.
  useAssignees(staff);
  const back = staff ? { to: "/queue", label: "Back to the queue" } : { to: "/tickets", label: "Back to my tickets" };

  if (!Number.isInteger(ticketId) || ticketId < 1 || (loaded.error instanceof ApiError && loaded.error.status === 404)) {
    return (
      <section>
        <h1 tabIndex={-1}>Ticket not found</h1>
        <p>
          This ticket does not exist, or you cannot see it. <Link to={back.to}>{back.label}</Link>
        </p>
      </section>
    );
  }
  if (loaded.isLoading) return <Loading what="the ticket" />;
  if (!loaded.data) return <LoadError error={loaded.error} retry={() => void loaded.refetch()} />;

  const { ticket, version } = loaded.data;
  // The API names the ticket's people (requester, assignee, authors, actors).
  const name = namesOn([ticket], user);
  return (
    <article className="ticket">
      <p>
        <Link to={back.to}>← {back.label}</Link>
      </p>
      <header className="ticket-head">
        <h1 tabIndex={-1}>
          <span className="muted">#{ticket.id}</span> {ticket.title}
        </h1>
        <div className="badges">
          <StatusBadge status={ticket.status} />
          <PriorityBadge priority={ticket.priority} />
          {staff ? (
            <>
              <SlaClock ticket={ticket} onDue={() => void loaded.refetch()} />
              <FirstResponseClock ticket={ticket} onDue={() => void loaded.refetch()} />
            </>
          ) : (
            <RequesterProgress ticket={ticket} />
          )}
        </div>
      </header>
      <div className="ticket-grid">
        <div className="ticket-main">
          <section aria-labelledby="description-heading">
            <h2 id="description-heading" className="visually-hidden">
              Description
            </h2>
            {ticket.description ? (
              <p className="description">
                <LinkedText text={ticket.description} />
              </p>
            ) : (
              <p className="muted">No description.</p>
            )}
          </section>
          <Comments ticket={ticket} version={version} user={user} />
          <Timeline entries={ticket.timeline} user={user} nameOf={name} />
        </div>
        <aside className="ticket-side">
          <dl className="facts">
            <dt>Requester</dt>
            <dd>{name(ticket.requester_id)}</dd>
            <dt>Assignee</dt>
            <dd>{name(ticket.assignee_id)}</dd>
            <FollowUpFacts ticket={ticket} />
            {staff && (
              <>
                <dt>Due</dt>
                <dd>
                  {ticket.due_at ? (
                    <time dateTime={ticket.due_at}>{formatDateTime(ticket.due_at)}</time>
                  ) : ticket.sla_paused ? (
                    "Paused (pending or on hold)"
                  ) : (
                    "—"
                  )}
                </dd>
                <dt>First reply</dt>
                <dd>
                  <FirstResponseClock ticket={ticket} always />
                  {ticket.first_responded_at && (
                    <>
                      {" "}
                      <span className="muted">
                        (<time dateTime={ticket.first_responded_at}>{formatDateTime(ticket.first_responded_at)}</time>)
                      </span>
                    </>
                  )}
                </dd>
              </>
            )}
            {ticket.resolved_at && (
              <>
                <dt>Resolved</dt>
                <dd>
                  <time dateTime={ticket.resolved_at}>{formatDateTime(ticket.resolved_at)}</time>
                </dd>
              </>
            )}
            <dt>Opened</dt>
            <dd>
              <time dateTime={ticket.created_at}>{formatDateTime(ticket.created_at)}</time>
            </dd>
          </dl>
          <TicketEditor key={ticket.id} ticket={ticket} version={version} user={user} />
        </aside>
      </div>
    </article>
  );
}
