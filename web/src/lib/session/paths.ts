import type { User } from "../api/types";
import { isStaff } from "./roles";

/** Where a person lands after signing in: the queue for agents and admins. */
export function homePath(user: Pick<User, "role">): string {
  return isStaff(user) ? "/queue" : "/tickets";
}

/** "/tickets/7?x=1": where to come back to after signing in again. */
export function loginPath(place: string, reason?: "expired"): string {
  const params = new URLSearchParams();
  if (place && place !== "/" && !place.startsWith("/login")) params.set("next", place);
  if (reason) params.set("reason", reason);
  const query = params.toString();
  return query ? `/login?${query}` : "/login";
}

/** Only same-app paths: never an open redirect to another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
