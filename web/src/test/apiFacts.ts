// What the real service answers, as the component tests' fakes answer it: a ticket's
// allowed_fields for each kind of caller (tickets/permissions.py) and ui-config's limits.
// The end-to-end suite (e2e/desk.e2e.test.ts) checks every one against the real service,
// so the fakes cannot drift from it. No imports beyond types: e2e loads this file too.
import type { Limits, TicketDetail } from "@/lib/api/types";

type Allowed = TicketDetail["allowed_fields"];

export const ALLOWED_FIELDS = {
  /** The requester, on their own ticket. */
  requester: ["title", "description"],
  /** An agent, on a ticket assigned to them. */
  assignedAgent: ["status", "priority", "assignee_id"],
  /** An agent, on an unassigned ticket: they may claim it (assign it to themselves). */
  claimingAgent: ["assignee_id"],
  /** An admin, on any ticket. */
  admin: ["title", "description", "status", "priority", "assignee_id", "sla_minutes"],
  /** An agent, on a ticket assigned to someone else. */
  otherAgent: [],
} satisfies Record<string, Allowed>;

export type AllowedFor = keyof typeof ALLOWED_FIELDS;

/** allowed_fields as the API sends it for `who` (a fresh copy: a test may change it). */
export function allowedFor(who: AllowedFor): Allowed {
  return [...ALLOWED_FIELDS[who]];
}

export const LIMITS: Limits = {
  title_max_length: 200,
  description_max_length: 10_000,
  comment_max_length: 10_000,
  query_max_length: 500,
  page_size: 20,
  max_page_size: 100,
  sla_minutes_max: 365 * 24 * 60,
  default_sla_minutes: { low: 3 * 24 * 60, medium: 24 * 60, high: 4 * 60, urgent: 60 },
};
