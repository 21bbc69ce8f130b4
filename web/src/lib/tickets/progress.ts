import type { Ticket } from "@/lib/api/types";

export type Progress = Pick<Ticket, "status" | "first_responded_at">;

/** Where a ticket stands, as its requester reads it: words, not the support team's SLA
 * clocks (their targets are the desk's to keep, not a promise of a time). */
export function requesterProgress(ticket: Progress): string {
  switch (ticket.status) {
    case "open":
    case "in_progress":
      return ticket.first_responded_at ? "We're working on it and will get back to you." : "We'll get back to you soon.";
    case "pending":
      return "We're waiting for your reply.";
    case "on_hold":
      return "We're waiting on someone else; we'll get back to you.";
    case "resolved":
      return "We think this is solved. If it isn't, reply and it opens again.";
    case "closed":
      return "This ticket is closed.";
  }
}
