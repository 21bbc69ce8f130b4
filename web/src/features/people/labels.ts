import type { Role } from "@/lib/api/types";
import { capitalize } from "@/lib/format";
import { ROLE_LABELS, ROLES } from "@/lib/session/roles";

/** A role as the people page's lists name it: "Requester", "Agent", "Admin". */
export const ROLE_NAMES = Object.fromEntries(ROLES.map((role) => [role, capitalize(ROLE_LABELS[role])])) as Record<Role, string>;
