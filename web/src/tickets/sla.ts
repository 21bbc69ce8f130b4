// The SLA clock's words. The rule is the service's (tickets/sla.py): a ticket is breached
// when it is not closed and its due date has passed.
import type { Priority, Status } from "../api/client";

/** The service's defaults (tickets/sla.py), shown as hints when a ticket is created. */
export const DEFAULT_SLA_MINUTES: Record<Priority, number> = {
  urgent: 60,
  high: 4 * 60,
  medium: 24 * 60,
  low: 3 * 24 * 60,
};

const MINUTE = 60_000;
/** Under this much time left, the clock shows as "due soon". */
export const SOON_MS = 60 * MINUTE;

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
}

export function readSla(dueAt: string, status: Status, now: number): SlaReading {
  if (status === "closed") return { state: "closed", text: "closed" };
  const left = Date.parse(dueAt) - now;
  if (left <= 0) return { state: "overdue", text: `overdue by ${formatSpan(left)}` };
  return { state: left <= SOON_MS ? "soon" : "on-track", text: `due in ${formatSpan(left)}` };
}
