// The SLA clock's words: presentation only. Whether a ticket is breached is the service's
// call (tickets/sla.py, on the database's clock): the clock shows the ticket's `breached`,
// and between two readings of the ticket only counts down the time left.
import type { Ticket } from "@/lib/api/types";

const MINUTE = 60_000;
/** Under this much time left, the clock shows as "due soon". */
const SOON_MS = 60 * MINUTE;

/** "less than a minute", "45 min", "3 h", "2 h 30 min", "2 d 4 h", "12 d". */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / MINUTE);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return hours < 10 && rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return days < 3 && rest ? `${days} d ${rest} h` : `${days} d`;
}

export type SlaState = "closed" | "overdue" | "soon" | "on-track";

export interface SlaReading {
  state: SlaState;
  text: string;
  /** Past the due date by this browser's clock, and the API has not said breached (yet). */
  pastDue: boolean;
}

export type SlaTicket = Pick<Ticket, "due_at" | "status" | "breached">;

/** Overdue only when the API said the ticket is breached. Past the due date by this
 * browser's clock without that word yet: "due now" (still "soon"), until the ticket is
 * read again. */
export function readSla(ticket: SlaTicket, now: number): SlaReading {
  const left = Date.parse(ticket.due_at) - now;
  if (ticket.breached) return { state: "overdue", text: `overdue by ${formatSpan(Math.min(left, 0))}`, pastDue: false };
  if (ticket.status === "closed") return { state: "closed", text: "closed", pastDue: false };
  if (left <= 0) return { state: "soon", text: "due now", pastDue: true };
  return { state: left <= SOON_MS ? "soon" : "on-track", text: `due in ${formatSpan(left)}`, pastDue: false };
}
