import { useMutation, useQueryClient } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { Role, User } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";

export interface NewPerson {
  name: string;
  email: string;
  password: string;
  role: Role;
}

/** A new account made by an admin (POST /api/register with the admin's token, which the
 * service needs for an agent or an admin). */
export function useAddPerson() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (person: NewPerson): Promise<User> => (await call(api.POST("/api/register", { body: person }))).data,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.users }),
  });
}
