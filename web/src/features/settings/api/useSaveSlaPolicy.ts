import { useMutation, useQueryClient } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { Priority, SlaPolicy, SlaPolicyIn } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";

/** PUT /api/sla-policies/{priority} (admins): the saved policy replaces its row in the
 * cache (lib/slaPolicies.ts reads it). */
export function useSaveSlaPolicy(priority: Priority) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SlaPolicyIn) => (await call(api.PUT("/api/sla-policies/{priority}", { params: { path: { priority } }, body }))).data,
    onSuccess: (saved) => {
      queryClient.setQueryData<SlaPolicy[]>(keys.slaPolicies, (old) => old?.map((p) => (p.priority === saved.priority ? saved : p)));
    },
  });
}
