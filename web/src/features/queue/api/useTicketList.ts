import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import type { ListFilters } from "../filters";
import type { Sort } from "../sort";

// The queue and lists refresh on their own this often (well under the API's rate limit).
export const LIST_REFRESH_MS = 30_000;

interface ListParams extends ListFilters {
  breachedView: boolean;
  /** Left out: the API's own order, newest first. */
  sort?: Sort;
  offset: number;
}

export function useTicketList({ breachedView, offset, ...filters }: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: [...keys.tickets, { breachedView, offset, ...filters }],
    queryFn: async () => {
      // No limit: a page of the service's own size, ui-config's limits.page_size (the
      // pager's step), so the list does not wait for ui-config.
      const query = { ...filters, offset };
      const request = breachedView
        ? api.GET("/api/tickets/breached", { params: { query } })
        : api.GET("/api/tickets", { params: { query } });
      return (await call(request)).data;
    },
    placeholderData: keepPreviousData,
    refetchInterval: LIST_REFRESH_MS,
  });
}
