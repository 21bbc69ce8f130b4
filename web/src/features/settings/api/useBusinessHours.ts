import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { BusinessHoursIn } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";

/** The hours a business-hours policy counts in (GET /api/business-hours: agents and admins). */
export function useBusinessHours() {
  const api = useApi();
  return useQuery({ queryKey: keys.businessHours, queryFn: async () => (await call(api.GET("/api/business-hours"))).data });
}

/** PUT /api/business-hours (admins): the API's answer (days in order, dates sorted) is the new copy. */
export function useSaveBusinessHours() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: BusinessHoursIn) => (await call(api.PUT("/api/business-hours", { body }))).data,
    onSuccess: (saved) => queryClient.setQueryData(keys.businessHours, saved),
  });
}
