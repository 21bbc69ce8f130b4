import { useMutation } from "@tanstack/react-query";
import { call } from "@/lib/api/client";
import type { TokenOut } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { useSession } from "@/lib/session/useSession";

export interface PasswordChange {
  current_password: string;
  new_password: string;
}

/** A new password (POST /api/me/password). The service revokes every token issued before,
 * this session's too, and answers with a new one: the session goes on with it. */
export function useChangePassword() {
  const api = useApi();
  const { renew } = useSession();
  return useMutation({
    mutationFn: async (change: PasswordChange): Promise<TokenOut> => (await call(api.POST("/api/me/password", { body: change }))).data,
    onSuccess: (issued) => {
      renew(issued);
    },
  });
}
