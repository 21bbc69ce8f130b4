// How the app names a person. The API names everyone a ticket mentions (its requester and
// assignee, its comments' authors, its history's actors): no screen needs a user list to
// put a name on an id.
import type { Person, User } from "./api/types";

/** "Ada Admin", or "Ada Admin (you)" for the signed-in user: wherever the app names a
 * person (a comment's author, a history line, a picker, a confirmation). */
export function personName(person: Pick<User, "id" | "name">, me: Pick<User, "id">): string {
  return person.id === me.id ? `${person.name} (you)` : person.name;
}

/** "Ada Admin", "Ada Admin (you)", or "Unassigned" for no one. */
export function assigneeName(assignee: Person | null, me: Pick<User, "id">): string {
  return assignee ? personName(assignee, me) : "Unassigned";
}
