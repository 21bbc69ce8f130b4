// An admin's change of an account, in the words of its confirmation: what will happen,
// the button that does it, and what the page says once it is done.
import type { Role, User } from "@/lib/api/types";
import { personName } from "@/lib/people";

export interface Change {
  person: User;
  changes: { role: Role } | { active: boolean };
}

export interface ChangeWords {
  title: string;
  text: string;
  confirm: string;
  done: string;
}

export const A_ROLE: Record<Role, string> = { user: "a requester", agent: "an agent", admin: "an admin" };

const WHAT_A_ROLE_MAY: Record<Role, string> = {
  user: "A requester sees only their own tickets.",
  agent: "An agent works the queue: claims, answers and resolves tickets.",
  admin: "An admin also manages people, SLA policies and business hours.",
};

export function describeChange({ person, changes }: Change, me: Pick<User, "id">): ChangeWords {
  const name = personName(person, me);
  if ("role" in changes) {
    const role = changes.role;
    return {
      title: `Make ${name} ${A_ROLE[role]}?`,
      text: `${person.name} is ${A_ROLE[person.role]} now. ${WHAT_A_ROLE_MAY[role]}`,
      confirm: `Make ${A_ROLE[role]}`,
      done: `${person.name} is now ${A_ROLE[role]}.`,
    };
  }
  if (!changes.active) {
    return {
      title: `Deactivate ${name}?`,
      text: `${person.name} is signed out at once and can no longer sign in. Their tickets and comments keep their name, and you can reactivate the account later.`,
      confirm: "Deactivate",
      done: `${person.name} was deactivated and signed out.`,
    };
  }
  return {
    title: `Reactivate ${name}?`,
    text: `${person.name} can sign in again, with the password they had.`,
    confirm: "Reactivate",
    done: `${person.name} was reactivated and can sign in again.`,
  };
}
