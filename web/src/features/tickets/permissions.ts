// What the page offers the caller on a ticket. The rule is the service's alone
// (tickets/permissions.py): every ticket it returns lists `allowed_fields`, the fields the
// caller may change in a PATCH as the ticket stands. The page reads that list; the
// caller's role only words the read-only reason and tells a claim from an edit.
import type { Ticket, User } from "@/lib/api/types";
import { isStaff } from "@/lib/session/roles";

export type EditableField = Ticket["allowed_fields"][number];

type Caller = Pick<User, "role">;
type Subject = Pick<Ticket, "assignee_id" | "allowed_fields">;

/** Agents and admins may take an unassigned ticket when the API lets them set its assignee. */
export function canClaim(user: Caller, ticket: Subject): boolean {
  return isStaff(user) && ticket.assignee_id === null && ticket.allowed_fields.includes("assignee_id");
}

/** The fields the form offers: the API's list, in its order. When the assignee is all the
 * API allows on an unassigned ticket, that is an agent's claim (to themselves only), which
 * the claim button makes: no form. */
export function editableFields(user: Caller, ticket: Subject): readonly EditableField[] {
  const claimOnly = canClaim(user, ticket) && ticket.allowed_fields.every((field) => field === "assignee_id");
  return claimOnly ? [] : ticket.allowed_fields;
}

/** Why nothing is editable, for the person looking at the page. */
export function readOnlyReason(user: Caller, ticket: Subject): string | null {
  if (editableFields(user, ticket).length) return null;
  if (canClaim(user, ticket)) return "Claim this ticket to work on it.";
  if (isStaff(user)) {
    return ticket.assignee_id === null
      ? "You cannot change this ticket."
      : "This ticket is assigned to someone else: only they or an admin can change it.";
  }
  return "Only the person who opened this ticket can change it.";
}
