// Who is signed in: the token and user from POST /api/login, kept in localStorage so a
// reload keeps the session. When the token expires (its expires_at, or a 401 from the
// service) the person is sent to the sign-in page with the place they were at.
// The API client is made from the session's token here, so every request carries the
// token of the session on screen and nothing else holds it.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { call, createApiClient } from "../api/client";
import type { User } from "../api/types";
import { ApiContext } from "../api/useApi";
import { loadSession, saveSession, type Ending, type Session } from "./storage";
import { SessionContext } from "./useSession";

// setTimeout's limit; a longer token lifetime is checked again when that timer fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [initial] = useState(loadSession);
  const [session, setSession] = useState<Session | null>(initial.session);
  const [ending, setEnding] = useState<Ending>(initial.ending);
  const queryClient = useQueryClient();

  // RequireSession then sends the person to sign in, with the place they were at.
  const end = useCallback(
    (why: Exclude<Ending, null>) => {
      saveSession(null);
      setEnding(why);
      setSession(null);
      queryClient.clear();
    },
    [queryClient],
  );

  const token = session?.token ?? null;
  // A 401 to a signed-in request: the token expired or was revoked.
  const api = useMemo(() => createApiClient({ token, onUnauthorized: () => end("expired") }), [token, end]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const { data } = await call(api.POST("/api/login", { body: { email, password } }));
      const started: Session = { token: data.token, expiresAt: data.expires_at, user: data.user };
      saveSession(started);
      setEnding(null);
      setSession(started);
      return started;
    },
    [api],
  );

  const signOut = useCallback(() => end("signed-out"), [end]);

  const updateUser = useCallback((user: User) => {
    setSession((current) => {
      if (!current) return current;
      const next = { ...current, user };
      saveSession(next);
      return next;
    });
  }, []);

  // The token's own expiry, without waiting for a request to fail.
  useEffect(() => {
    if (!session) return;
    const left = Date.parse(session.expiresAt) - Date.now();
    if (left <= 0) {
      end("expired");
      return;
    }
    const timer = setTimeout(() => {
      if (Date.parse(session.expiresAt) <= Date.now()) end("expired");
    }, Math.min(left + 500, MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [session, end]);

  const value = useMemo(
    () => ({ session, ending, signIn, signOut, updateUser }),
    [session, ending, signIn, signOut, updateUser],
  );
  return (
    <ApiContext.Provider value={api}>
      <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
    </ApiContext.Provider>
  );
}
