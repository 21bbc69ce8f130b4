import { useMutation, useQueryClient } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { User } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import type { Change } from "../changes";

/** An admin's change of someone's account (PATCH /api/users/{id}): role, or active. The
 * lists and names refresh after it (a deactivated agent leaves the assignee picker). */
export function useChangePerson() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ person, changes }: Change): Promise<User> =>
      (await call(api.PATCH("/api/users/{user_id}", { params: { path: { user_id: person.id } }, body: changes }))).data,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.users }),
  });
}
