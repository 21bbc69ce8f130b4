// The people the caller may know by name. Agents and admins see every account (GET
// /api/users); the API does not let a requester list users.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { call } from "./api/client";
import type { User, UserPage } from "./api/types";
import { useApi } from "./api/useApi";
import { keys } from "./queryKeys";
import { isStaff } from "./session/roles";
import { useSession } from "./session/useSession";

const USERS_PAGE = 100;
const MAX_USER_PAGES = 20;

/** Every account, for names and the assignee picker. Agents and admins only. */
export function useDirectory() {
  const api = useApi();
  const { session } = useSession();
  const staff = session ? isStaff(session.user) : false;
  const query = useQuery({
    queryKey: keys.users,
    enabled: staff,
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const users: User[] = [];
      let offset: number | null = 0;
      for (let page = 0; offset !== null && page < MAX_USER_PAGES; page++) {
        const { data }: { data: UserPage } = await call(api.GET("/api/users", { params: { query: { limit: USERS_PAGE, offset } } }));
        users.push(...data.items);
        offset = data.next_offset;
      }
      return users;
    },
  });
  return useMemo(() => {
    const byId = new Map<number, User>((query.data ?? []).map((u) => [u.id, u]));
    const assignable = (query.data ?? []).filter((u) => isStaff(u));
    return { byId, assignable };
  }, [query.data]);
}

/** "Ada Admin", or "Ada Admin (you)" for the signed-in user: wherever the app names a
 * person (a comment's author, a history line, a picker, a confirmation). */
export function personName(person: Pick<User, "id" | "name">, me: Pick<User, "id">): string {
  return person.id === me.id ? `${person.name} (you)` : person.name;
}

/** A person's name from their id, as far as the caller may know it. */
export function useNameOf(): (id: number | null | undefined) => string {
  const { session } = useSession();
  const { byId } = useDirectory();
  return (id) => {
    if (id === null || id === undefined) return "Unassigned";
    if (session && id === session.user.id) return personName(session.user, session.user);
    const user = byId.get(id);
    if (user) return user.name;
    // A requester cannot list users: anyone else on their ticket is the support team.
    return session && isStaff(session.user) ? `User #${id}` : "Support team";
  };
}
