// Each priority's SLA targets (GET /api/sla-policies), as an admin last set them: agents
// and admins only (a requester's forms fall back to ui-config's default_sla_minutes).
import { useQuery } from "@tanstack/react-query";
import { call } from "./api/client";
import { useApi } from "./api/useApi";
import { keys } from "./queryKeys";

export function useSlaPolicies({ enabled = true }: { enabled?: boolean } = {}) {
  const api = useApi();
  return useQuery({ queryKey: keys.slaPolicies, queryFn: async () => (await call(api.GET("/api/sla-policies"))).data, enabled });
}
