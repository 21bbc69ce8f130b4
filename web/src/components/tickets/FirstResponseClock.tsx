import { capitalize, formatDateTime } from "@/lib/format";
import { useCallWhen } from "@/hooks/useCallWhen";
import { useNow } from "@/hooks/useNow";
import { awaitsFirstResponse, readFirstResponse, type FirstResponseTicket } from "@/lib/tickets/sla";

/** The first-response clock while the first reply is owed ("First reply due in 12 min",
 * "First reply overdue by 5 min"); nothing while it is paused (unless overdue), once it
 * was sent, or once the ticket is resolved or closed. With `always`, it says how the first reply went too
 * ("sent in time", "sent 20 min late"), without its "First reply" prefix: for a labelled
 * place such as the ticket's facts. */
export function FirstResponseClock({ ticket, onDue, always = false }: { ticket: FirstResponseTicket; onDue?: () => void; always?: boolean }) {
  const now = useNow();
  const owed = awaitsFirstResponse(ticket);
  const { state, text, pastDue } = readFirstResponse(ticket, now);
  // pastDue only while the reply is owed and its clock runs (readFirstResponse).
  useCallWhen(pastDue, onDue);
  // In a list, a paused first reply goes without saying: the resolution clock says paused.
  if (!always && (!owed || state === "paused")) return null;
  const words = always ? capitalize(text) : `First reply ${text}`;
  const dueAt = ticket.first_response_due_at;
  return (
    <span className={`sla first-response sla-${state}`} title={dueAt ? `First reply due ${formatDateTime(dueAt)}` : undefined}>
      {state === "overdue" && <span aria-hidden="true">⚠ </span>}
      {words}
    </span>
  );
}
