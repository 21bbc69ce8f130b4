// Which fields of a ticket the caller may change: the service's rule
// (tickets/permissions.py), so the page offers only what the PATCH will accept.
import type { Ticket, User } from "../api/client";

export type EditableField = "title" | "description" | "status" | "priority" | "assignee_id" | "sla_minutes";

export const REQUESTER_FIELDS: readonly EditableField[] = ["title", "description"];
export const AGENT_FIELDS: readonly EditableField[] = ["status", "priority", "assignee_id"];
export const ADMIN_FIELDS: readonly EditableField[] = ["title", "description", "status", "priority", "assignee_id", "sla_minutes"];

type Caller = Pick<User, "id" | "role">;
type Subject = Pick<Ticket, "requester_id" | "assignee_id">;

export function editableFields(user: Caller, ticket: Subject): readonly EditableField[] {
  switch (user.role) {
    case "admin":
      return ADMIN_FIELDS;
    case "agent":
      return ticket.assignee_id === user.id ? AGENT_FIELDS : [];
    default:
      return ticket.requester_id === user.id ? REQUESTER_FIELDS : [];
  }
}

/** Agents and admins may take an unassigned ticket. */
export function canClaim(user: Caller, ticket: Subject): boolean {
  return (user.role === "agent" || user.role === "admin") && ticket.assignee_id === null;
}

/** Why nothing is editable, for the person looking at the page. */
export function readOnlyReason(user: Caller, ticket: Subject): string | null {
  if (editableFields(user, ticket).length) return null;
  if (user.role === "agent") {
    return ticket.assignee_id === null
      ? "Claim this ticket to work on it."
      : "This ticket is assigned to someone else: only they or an admin can change it.";
  }
  return "Only the person who opened this ticket can change it.";
}
