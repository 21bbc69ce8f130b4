// Bulk actions on the selected tickets: which the caller may take (each ticket's
// allowed_fields: the service decides), and the summary of a run, where every ticket was
// sent as its own PATCH with its own If-Match.
import { PRIORITY_LABELS, STATUS_LABELS } from "@/lib/tickets/labels";
import type { Priority, Status, Ticket } from "@/lib/api/types";

export type BulkChange = { status: Status } | { priority: Priority } | { assignee_id: number | null };

export type BulkTicket = Pick<Ticket, "id" | "status" | "priority" | "assignee_id" | "allowed_fields" | "version">;

/** The actions on offer for these tickets: each only when every one of them allows it. */
export interface BulkOffer {
  assignToMe: boolean;
  assignToAnyone: boolean;
  status: boolean;
  priority: boolean;
  /** Some tickets may only be claimed (an agent's unassigned tickets): why less is offered. */
  claimOnly: number;
}

/** An agent's unassigned ticket: the API allows the assignee alone, to themselves. */
export function isClaimOnly(ticket: BulkTicket): boolean {
  return ticket.assignee_id === null && ticket.allowed_fields.length === 1 && ticket.allowed_fields[0] === "assignee_id";
}

/** A ticket the caller may change at all (one with a checkbox). */
export function isChangeable(ticket: BulkTicket): boolean {
  return ticket.allowed_fields.length > 0;
}

export function bulkOffer(tickets: readonly BulkTicket[], myId: number): BulkOffer {
  const all = (test: (t: BulkTicket) => boolean) => tickets.length > 0 && tickets.every(test);
  const assignable = (t: BulkTicket) => t.allowed_fields.includes("assignee_id");
  return {
    assignToMe: all(assignable) && tickets.some((t) => t.assignee_id !== myId),
    assignToAnyone: all((t) => assignable(t) && !isClaimOnly(t)),
    status: all((t) => t.allowed_fields.includes("status")),
    priority: all((t) => t.allowed_fields.includes("priority")),
    claimOnly: tickets.filter(isClaimOnly).length,
  };
}

/** The ticket already is as the change would make it: no request for it. */
export function alreadySo(ticket: BulkTicket, change: BulkChange): boolean {
  if ("status" in change) return ticket.status === change.status;
  if ("priority" in change) return ticket.priority === change.priority;
  return ticket.assignee_id === change.assignee_id;
}

export interface BulkResult {
  change: BulkChange;
  updated: number[];
  unchanged: number[];
  /** Changed by someone else since the list was loaded (409 OPTIMISTIC_LOCK). */
  conflicts: number[];
  failed: { id: number; message: string }[];
}

const tickets = (ids: number[]) => `${ids.length === 1 ? "ticket" : "tickets"} ${ids.map((id) => `#${id}`).join(", ")}`;

/** How the change reads after "already": "assigned to you", "Resolved", "High". */
function changeWords(change: BulkChange, nameOf: (id: number | null) => string): string {
  if ("status" in change) return STATUS_LABELS[change.status];
  if ("priority" in change) return PRIORITY_LABELS[change.priority];
  return change.assignee_id === null ? "unassigned" : `assigned to ${nameOf(change.assignee_id)}`;
}

/** "5 updated, 1 changed by someone else since you loaded it (ticket #12): reload to see it." */
export function summarize(result: BulkResult, nameOf: (id: number | null) => string): string {
  const parts = [`${result.updated.length} updated`];
  if (result.unchanged.length) parts.push(`${result.unchanged.length} already ${changeWords(result.change, nameOf)}`);
  const conflicts = result.conflicts;
  if (conflicts.length) {
    const one = conflicts.length === 1;
    parts.push(
      `${conflicts.length} changed by someone else since you loaded ${one ? "it" : "them"} (${tickets(conflicts)}): reload to see ${one ? "it" : "them"}`,
    );
  }
  for (const { id, message } of result.failed) parts.push(`ticket #${id} not updated: ${message}`);
  return parts.join(", ") + ".";
}
