import type { User } from "../api/types";

export function isStaff(user: Pick<User, "role">): boolean {
  return user.role === "agent" || user.role === "admin";
}
