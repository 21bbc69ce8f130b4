import { useQueries } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { components } from "@/api/schema";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import type { ListFilters } from "../filters";
import { LIST_REFRESH_MS } from "./useTicketList";

export type TicketCount = components["schemas"]["TicketCount"];

/** How many tickets each list holds (GET /api/tickets/count), refreshed with the lists;
 * undefined while loading or after an error (the count is a hint, the list the truth). */
export function useTicketCounts(lists: readonly ListFilters[]): (TicketCount | undefined)[] {
  const api = useApi();
  return useQueries({
    queries: lists.map((filters) => ({
      queryKey: [...keys.tickets, "count", filters],
      queryFn: async () => (await call(api.GET("/api/tickets/count", { params: { query: filters } }))).data,
      refetchInterval: LIST_REFRESH_MS,
    })),
    combine: (results) => results.map((result) => result.data),
  });
}
