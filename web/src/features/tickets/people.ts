// The people on a ticket, as the API names them (requester, assignee, comment.author,
// timeline entry.actor: name and role; the email to agents and admins only), as the
// signed-in user reads them.
import type { Person, TicketDetail, User } from "@/lib/api/types";
import { personName } from "@/lib/people";
import { isStaff, ROLE_LABELS } from "@/lib/session/roles";

/** The role beside a name, where it tells the reader something: to agents and admins,
 * "requester", "agent" or "admin"; to a requester, "support team" for agents and admins.
 * None for the reader themselves. */
export function roleTag(person: Person, me: Pick<User, "id" | "role">): string | null {
  if (person.id === me.id) return null;
  if (isStaff(me)) return ROLE_LABELS[person.role];
  return isStaff(person) ? "support team" : null;
}

type Named = Pick<TicketDetail, "requester" | "assignee" | "comments" | "timeline">;

/** The people a ticket names (its requester and assignee, its comments' authors, its
 * history's actors: none for what the service did itself, a breach), by id. */
export function peopleOn(ticket: Named): Map<number, Person> {
  const people = new Map<number, Person>();
  for (const entry of ticket.timeline) if (entry.actor) people.set(entry.actor.id, entry.actor);
  for (const comment of ticket.comments) people.set(comment.author.id, comment.author);
  people.set(ticket.requester.id, ticket.requester);
  if (ticket.assignee) people.set(ticket.assignee.id, ticket.assignee);
  return people;
}

/** A name for an id the tickets may hold (a requester, an assignee now or in the history):
 * "Ada Admin (you)" for the reader, "Unassigned" for no one, else the name the tickets (or
 * `others`, the people an assignee picker offered) give it; anyone else is "User #7" to
 * agents and admins, "Support team" to a requester. */
export function namesOn(tickets: Named[], me: Pick<User, "id" | "name" | "role">, others: Pick<User, "id" | "name">[] = []): (id: number | null) => string {
  const people = new Map<number, Pick<User, "id" | "name">>(others.map((person) => [person.id, person]));
  for (const ticket of tickets) for (const [id, person] of peopleOn(ticket)) people.set(id, person);
  return (id) => {
    if (id === null) return "Unassigned";
    if (id === me.id) return personName(me, me);
    const known = people.get(id);
    if (known) return known.name;
    return isStaff(me) ? `User #${id}` : "Support team";
  };
}

/** An agent or admin in the assignee picker: "Ada Admin (you)", "Ada Admin · admin",
 * "Alan Agent" (the picker holds agents and admins: an admin is the one to tell apart). */
export function assigneeLabel(person: Pick<User, "id" | "name" | "role">, me: Pick<User, "id">): string {
  if (person.id === me.id) return personName(person, me);
  return person.role === "admin" ? `${person.name} · admin` : person.name;
}
