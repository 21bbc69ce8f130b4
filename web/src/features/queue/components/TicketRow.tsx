import { Link } from "react-router";
import { TimeAgo } from "@/components/TimeAgo";
import { FirstResponseClock } from "@/components/tickets/FirstResponseClock";
import { PriorityBadge } from "@/components/tickets/PriorityBadge";
import { RequesterProgress } from "@/components/tickets/RequesterProgress";
import { SlaClock } from "@/components/tickets/SlaClock";
import { StatusBadge } from "@/components/tickets/StatusBadge";
import type { Ticket, User } from "@/lib/api/types";
import { assigneeName } from "@/lib/people";
import { isChangeable } from "../bulk";

export interface RowOptions {
  /** Agents and admins: the SLA clocks; a requester: where their ticket stands, in words. */
  staff: boolean;
  /** The assignee's column, its name as the API gives it ("(you)" for `me`). */
  assignee?: { me: Pick<User, "id"> };
  selectable: boolean;
  now: number;
}

/** One ticket of the table; on a phone-width screen two lines: the title, then status ·
 * priority · due (styles.css). */
export function TicketRow({
  ticket,
  options,
  selected,
  active,
  onSelect,
}: {
  ticket: Ticket;
  options: RowOptions;
  selected: boolean;
  active: boolean;
  onSelect: (on: boolean) => void;
}) {
  const { staff, assignee, selectable, now } = options;
  const assignedTo = assignee ? assigneeName(ticket.assignee, assignee.me) : "";
  const classes = ["ticket-row", ticket.breached && "breached", active && "active", selected && "selected"].filter(Boolean).join(" ");
  const changeable = isChangeable(ticket);
  return (
    <tr className={classes} data-ticket-id={ticket.id}>
      {selectable && (
        <td className="col-check">
          <input
            type="checkbox"
            aria-label={`Select ticket #${ticket.id}`}
            checked={selected}
            disabled={!changeable}
            title={changeable ? undefined : "Assigned to someone else: only they or an admin can change it"}
            onChange={(e) => onSelect(e.target.checked)}
          />
        </td>
      )}
      <td className="col-title">
        <div className="title-line">
          <span className="ticket-id">#{ticket.id}</span>
          <Link className="title-link" to={`/tickets/${ticket.id}`} title={ticket.title}>
            {ticket.title}
          </Link>
        </div>
      </td>
      <td className="col-status">
        <StatusBadge status={ticket.status} />
      </td>
      <td className="col-priority">
        <PriorityBadge priority={ticket.priority} />
      </td>
      {assignee && (
        <td className="col-assignee" title={assignedTo}>
          {assignedTo}
        </td>
      )}
      {staff ? (
        <td className="col-due">
          <div className="clocks">
            <FirstResponseClock ticket={ticket} />
            <SlaClock ticket={ticket} />
          </div>
        </td>
      ) : (
        <td className="col-progress">
          <RequesterProgress ticket={ticket} />
        </td>
      )}
      <td className="col-updated">
        <TimeAgo iso={ticket.updated_at} now={now} />
      </td>
      <td className="col-opened">
        <TimeAgo iso={ticket.created_at} now={now} />
      </td>
    </tr>
  );
}
