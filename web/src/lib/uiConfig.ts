// What the service tells the app before anyone signs in (GET /api/ui-config): the demo
// accounts, and the service's own limits a form needs (lengths, page size, default SLAs),
// so the app keeps no copy of them. Fetched once: they change only with a new release.
import { useQuery } from "@tanstack/react-query";
import { call } from "./api/client";
import type { Limits } from "./api/types";
import { useApi } from "./api/useApi";
import { keys } from "./queryKeys";

export function useUiConfig() {
  const api = useApi();
  return useQuery({
    queryKey: keys.uiConfig,
    queryFn: async () => (await call(api.GET("/api/ui-config"))).data,
    staleTime: Infinity,
    retry: false,
  });
}

/** The service's limits; undefined until ui-config has loaded (a form then leaves them to
 * the API's own checks, whose refusals it shows beside the field). */
export function useLimits(): Limits | undefined {
  return useUiConfig().data?.limits;
}
