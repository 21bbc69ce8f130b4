import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";

// The queue and lists refresh on their own this often (well under the API's rate limit).
const LIST_REFRESH_MS = 30_000;

interface ListParams {
  breachedView: boolean;
  status?: string;
  assignee?: string;
  breached?: "true" | "false";
  firstResponseBreached?: "true" | "false";
  query?: string;
  offset: number;
}

export function useTicketList(params: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: [...keys.tickets, params],
    queryFn: async () => {
      const query = {
        status: params.status || undefined,
        assignee: params.assignee || undefined,
        breached: params.breached,
        first_response_breached: params.firstResponseBreached,
        query: params.query || undefined,
        // No limit: a page of the service's own size, ui-config's limits.page_size (the
        // pager's step), so the list does not wait for ui-config.
        offset: params.offset,
      };
      const request = params.breachedView
        ? api.GET("/api/tickets/breached", { params: { query } })
        : api.GET("/api/tickets", { params: { query } });
      return (await call(request)).data;
    },
    placeholderData: keepPreviousData,
    refetchInterval: LIST_REFRESH_MS,
  });
}
