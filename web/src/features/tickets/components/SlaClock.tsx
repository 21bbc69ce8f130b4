import { useEffect, useRef } from "react";
import { formatDateTime } from "@/components/format";
import { useNow } from "@/hooks/useNow";
import { readSla, type SlaTicket } from "../sla";

/** "due in 3 h" / "overdue by 20 min", ticking on its own. Overdue is the API's word (the
 * ticket's `breached`); when the countdown runs out before it, `onDue` is called once, to
 * read the ticket again. */
export function SlaClock({ ticket, onDue }: { ticket: SlaTicket; onDue?: () => void }) {
  const now = useNow();
  const { state, text, pastDue } = readSla(ticket, now);
  const latestOnDue = useRef(onDue);
  useEffect(() => {
    latestOnDue.current = onDue;
  });
  useEffect(() => {
    if (pastDue) latestOnDue.current?.();
  }, [pastDue]);
  return (
    <time className={`sla sla-${state}`} dateTime={ticket.due_at} title={`Due ${formatDateTime(ticket.due_at)}`}>
      {state === "overdue" && <span aria-hidden="true">⚠ </span>}
      {text}
    </time>
  );
}
