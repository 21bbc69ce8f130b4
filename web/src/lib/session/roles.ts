import type { Role, User } from "../api/types";

/** A role as a sentence names it (the API's `user` is a requester): in the header, on the
 * account page, beside a name on a ticket. */
export const ROLE_LABELS: Record<Role, string> = {
  user: "requester",
  agent: "agent",
  admin: "admin",
};

/** Every role, in the API's order. */
export const ROLES = Object.keys(ROLE_LABELS) as readonly Role[];

export function isStaff(user: Pick<User, "role">): boolean {
  return user.role === "agent" || user.role === "admin";
}
