import type { Role } from "@/lib/api/types";

/** A role as the people page names it (the API's `user` is a requester). */
export const ROLE_NAMES: Record<Role, string> = {
  user: "Requester",
  agent: "Agent",
  admin: "Admin",
};

export const ROLES = Object.keys(ROLE_NAMES) as readonly Role[];
