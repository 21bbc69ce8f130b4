// Who wrote a comment or did something on a ticket, as the API names them (comment.author,
// timeline entry.actor: name and role, never the email), as the signed-in user reads it.
import type { Person, TicketDetail, User } from "@/lib/api/types";
import { personName } from "@/lib/directory";
import { isStaff, ROLE_LABELS } from "@/lib/session/roles";

/** The role beside a name, where it tells the reader something: to agents and admins,
 * "requester", "agent" or "admin"; to a requester, "support team" for agents and admins.
 * None for the reader themselves. */
export function roleTag(person: Person, me: Pick<User, "id" | "role">): string | null {
  if (person.id === me.id) return null;
  if (isStaff(me)) return ROLE_LABELS[person.role];
  return isStaff(person) ? "support team" : null;
}

/** The people a ticket names (its comments' authors, its history's actors: none for what
 * the service did itself, a breach), by id: a
 * requester, who cannot list users, knows the assignee's name from them. */
export function peopleOn(ticket: Pick<TicketDetail, "comments" | "timeline">): Map<number, Person> {
  const people = new Map<number, Person>();
  for (const entry of ticket.timeline) if (entry.actor) people.set(entry.actor.id, entry.actor);
  for (const comment of ticket.comments) people.set(comment.author.id, comment.author);
  return people;
}

/** An agent or admin in the assignee picker: "Ada Admin (you)", "Ada Admin · admin",
 * "Alan Agent" (the picker holds agents and admins: an admin is the one to tell apart). */
export function assigneeLabel(person: Pick<User, "id" | "name" | "role">, me: Pick<User, "id">): string {
  if (person.id === me.id) return personName(person, me);
  return person.role === "admin" ? `${person.name} · admin` : person.name;
}
