// The SLA clocks' words: presentation only. Whether a ticket is breached is the service's
// call (tickets/sla/, on the database's clock): a clock shows the ticket's `breached` (or
// `first_response_breached`), and between two readings of the ticket only counts down the
// time left. A ticket has two clocks, first response and resolution; each runs while the
// ticket is open or in progress, pauses while it is pending or on hold (the time left is
// kept), and stops once it is resolved or closed.
import type { Status, Ticket } from "@/lib/api/types";

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

/** Whole minutes, as the API counts a paused clock: "3 h 10 min left" / "25 min overdue". */
export function formatMinutesLeft(minutes: number): string {
  const span = formatSpan(minutes * MINUTE);
  return minutes < 0 ? `${span} overdue` : `${span} left`;
}

/** overdue: the API says breached. soon/on-track: running. paused: pending or on hold.
 * met: stopped in time (resolved, or first reply sent). closed: stopped, nothing to say. */
export type SlaState = "overdue" | "soon" | "on-track" | "paused" | "met" | "closed";

export interface SlaReading {
  state: SlaState;
  text: string;
  /** Past the due date by this browser's clock, and the API has not said breached (yet). */
  pastDue: boolean;
}

const STOPPED: readonly Status[] = ["resolved", "closed"];

function isStopped(status: Status): boolean {
  return STOPPED.includes(status);
}

const reading = (state: SlaState, text: string, pastDue = false): SlaReading => ({ state, text, pastDue });

/** A running clock: overdue only when the API said so; past the due date by this browser's
 * clock without that word yet, "due now" (still "soon"), until the ticket is read again. */
function running(dueAt: string, breached: boolean, now: number): SlaReading {
  const left = Date.parse(dueAt) - now;
  if (breached) return reading("overdue", `overdue by ${formatSpan(Math.min(left, 0))}`);
  if (left <= 0) return reading("soon", "due now", true);
  return reading(left <= SOON_MS ? "soon" : "on-track", `due in ${formatSpan(left)}`);
}

/** "in time" or "2 h late": when something happened (resolved, answered) against its due date.
 * Late from the due date on, as the service counts it. */
function timeliness(at: string, dueAt: string): { late: boolean; text: string } {
  const late = Date.parse(at) - Date.parse(dueAt);
  return late >= 0 ? { late: true, text: `${formatSpan(late)} late` } : { late: false, text: "in time" };
}

export type SlaTicket = Pick<Ticket, "status" | "due_at" | "breached" | "sla_paused" | "sla_remaining_minutes" | "resolved_at">;

/** The resolution clock: "due in 3 h", "overdue by 20 min", "paused, 3 h 10 min left",
 * "resolved in time", "resolved 2 h late". */
export function readSla(ticket: SlaTicket, now: number): SlaReading {
  if (isStopped(ticket.status)) {
    if (ticket.resolved_at && ticket.due_at) {
      const { late, text } = timeliness(ticket.resolved_at, ticket.due_at);
      if (!late) return reading("met", "resolved in time");
      return reading(ticket.breached ? "overdue" : "closed", `resolved ${text}`);
    }
    return reading("closed", ticket.status === "closed" ? "closed" : "resolved");
  }
  if (ticket.sla_paused) {
    const text = `paused, ${formatMinutesLeft(ticket.sla_remaining_minutes ?? 0)}`;
    return reading(ticket.breached ? "overdue" : "paused", text);
  }
  if (!ticket.due_at) return reading(ticket.breached ? "overdue" : "on-track", ticket.breached ? "overdue" : "no due date");
  return running(ticket.due_at, ticket.breached, now);
}

export type FirstResponseTicket = Pick<
  Ticket,
  "status" | "first_response_due_at" | "first_responded_at" | "first_response_breached" | "sla_paused"
>;

/** The first reply is still owed: not sent yet, and the ticket not resolved or closed. */
export function awaitsFirstResponse(ticket: FirstResponseTicket): boolean {
  return ticket.first_responded_at === null && !isStopped(ticket.status);
}

/** The first-response clock, in words that follow "First reply": "due in 12 min",
 * "overdue by 5 min", "paused", "sent in time", "sent 20 min late", "not sent". */
export function readFirstResponse(ticket: FirstResponseTicket, now: number): SlaReading {
  const breached = ticket.first_response_breached;
  if (ticket.first_responded_at) {
    if (!ticket.first_response_due_at) return reading("met", "sent");
    const { late, text } = timeliness(ticket.first_responded_at, ticket.first_response_due_at);
    return late ? reading(breached ? "overdue" : "closed", `sent ${text}`) : reading("met", "sent in time");
  }
  if (isStopped(ticket.status)) return reading(breached ? "overdue" : "closed", "not sent");
  if (ticket.sla_paused) return reading(breached ? "overdue" : "paused", breached ? "overdue, paused" : "paused");
  if (!ticket.first_response_due_at) return reading(breached ? "overdue" : "on-track", breached ? "overdue" : "not due");
  return running(ticket.first_response_due_at, breached, now);
}
