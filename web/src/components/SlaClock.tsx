import type { Status } from "../api/client";
import { readSla } from "../tickets/sla";
import { formatDateTime } from "./format";
import { useNow } from "./useNow";

/** "due in 3 h" / "overdue by 20 min", ticking on its own. */
export function SlaClock({ dueAt, status }: { dueAt: string; status: Status }) {
  const now = useNow();
  const { state, text } = readSla(dueAt, status, now);
  return (
    <time className={`sla sla-${state}`} dateTime={dueAt} title={`Due ${formatDateTime(dueAt)}`}>
      {state === "overdue" && <span aria-hidden="true">⚠ </span>}
      {text}
    </time>
  );
}
