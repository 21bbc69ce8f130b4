import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { Role } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";

export interface PeopleFilters {
  /** A part of the name or email; "" for anyone. */
  query: string;
  role: Role | "";
  /** "true": active accounts only; "false": deactivated ones only; "": both. */
  active: "true" | "false" | "";
  offset: number;
}

/** A page of the desk's accounts (GET /api/users, agents and admins only), of the
 * service's own page size (ui-config's page_size, the pager's step). */
export function usePeople({ query, role, active, offset }: PeopleFilters) {
  const api = useApi();
  return useQuery({
    queryKey: keys.people({ query, role, active, offset }),
    queryFn: async () => {
      const params = { offset, ...(query ? { query } : {}), ...(role ? { role } : {}), ...(active ? { active } : {}) };
      return (await call(api.GET("/api/users", { params: { query: params } }))).data;
    },
    placeholderData: keepPreviousData,
  });
}
