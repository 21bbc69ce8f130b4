import { requesterProgress, type Progress } from "@/lib/tickets/progress";

/** Where the ticket stands, in the requester's words (see requesterProgress). */
export function RequesterProgress({ ticket }: { ticket: Progress }) {
  return <span className="progress">{requesterProgress(ticket)}</span>;
}
