import { formatDateTime } from "@/lib/format";
import { useCallWhen } from "@/hooks/useCallWhen";
import { useNow } from "@/hooks/useNow";
import { readSla, type SlaTicket } from "@/lib/tickets/sla";

/** The resolution clock: "due in 3 h" / "overdue by 20 min", ticking on its own;
 * "paused, 3 h 10 min left" while pending or on hold; "resolved in time" / "resolved 2 h
 * late" once stopped. Overdue is the API's word (the ticket's `breached`); when the
 * countdown runs out before it, `onDue` is called once, to read the ticket again. */
export function SlaClock({ ticket, onDue }: { ticket: SlaTicket; onDue?: () => void }) {
  const now = useNow();
  const { state, text, pastDue } = readSla(ticket, now);
  useCallWhen(pastDue, onDue);
  const content = (
    <>
      {state === "overdue" && <span aria-hidden="true">⚠ </span>}
      {text}
    </>
  );
  if (!ticket.due_at) {
    const title = state === "paused" || ticket.sla_paused ? "The SLA clocks are paused while the ticket is pending or on hold" : undefined;
    return (
      <span className={`sla sla-${state}`} title={title}>
        {content}
      </span>
    );
  }
  return (
    <time className={`sla sla-${state}`} dateTime={ticket.due_at} title={`Due ${formatDateTime(ticket.due_at)}`}>
      {content}
    </time>
  );
}
