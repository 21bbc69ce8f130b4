import { Link } from "react-router";
import { TimeAgo } from "@/components/TimeAgo";
import { FirstResponseClock, PriorityBadge, RequesterProgress, SlaClock, StatusBadge } from "@/features/tickets";
import type { Ticket } from "@/lib/api/types";
import { isChangeable } from "../bulk";

export interface RowOptions {
  /** Agents and admins: the SLA clocks; a requester: where their ticket stands, in words. */
  staff: boolean;
  nameOf?: (id: number | null) => string;
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
  const { staff, nameOf, selectable, now } = options;
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
      {nameOf && (
        <td className="col-assignee" title={nameOf(ticket.assignee_id)}>
          {nameOf(ticket.assignee_id)}
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
