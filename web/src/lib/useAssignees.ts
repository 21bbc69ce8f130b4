import { useQuery } from "@tanstack/react-query";
import { call } from "./api/client";
import type { Role, User, UserPage } from "./api/types";
import { useApi } from "./api/useApi";
import { keys } from "./queryKeys";

const PAGE = 100;
const MAX_PAGES = 10;

/** The people a ticket can be assigned to: active agents and admins, by name. */
export function useAssignees(enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: [...keys.users, "assignees"],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async () => {
      async function all(role: Role): Promise<User[]> {
        const users: User[] = [];
        let offset: number | null = 0;
        for (let page = 0; offset !== null && page < MAX_PAGES; page++) {
          const { data }: { data: UserPage } = await call(api.GET("/api/users", { params: { query: { role, active: "true", limit: PAGE, offset } } }));
          users.push(...data.items.filter((user) => user.role === role && user.active));
          offset = data.next_offset;
        }
        return users;
      }
      const [agents, admins] = await Promise.all([all("agent"), all("admin")]);
      return [...agents, ...admins].sort((a, b) => a.name.localeCompare(b.name));
    },
  });
}
