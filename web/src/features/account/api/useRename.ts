import { useMutation, useQueryClient } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { User } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import { useSession } from "@/lib/session/useSession";

/** The signed-in person's new name (PATCH /api/me): the header says it at once, and the
 * names in lists and on tickets as they are read again. */
export function useRename() {
  const api = useApi();
  const queryClient = useQueryClient();
  const { updateUser } = useSession();
  return useMutation({
    mutationFn: async (name: string): Promise<User> => (await call(api.PATCH("/api/me", { body: { name } }))).data,
    onSuccess: (user) => {
      queryClient.setQueryData(keys.me, user);
      updateUser(user);
      void queryClient.invalidateQueries({ queryKey: keys.users });
    },
  });
}
