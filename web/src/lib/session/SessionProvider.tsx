// Who is signed in: the token and user from POST /api/login, kept in localStorage so a
// reload keeps the session. When the token expires (its expires_at, or a 401 from the
// service) the person is sent to the sign-in page with the place they were at.
// The API client is made from the session's token here, so every request carries the
// token of the session on screen and nothing else holds it. A password change hands the
// session a new token (renew): the old one is revoked, and a late 401 to a request that
// still carried it does not end the session that goes on with the new one.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { call, createApiClient } from "../api/client";
import type { TokenOut, User } from "../api/types";
import { ApiContext } from "../api/useApi";
import { loadSession, saveSession, type Ending, type Session } from "./storage";
import { SessionContext } from "./useSession";

function sameUser(a: User, b: User): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof User>;
  return [...keys].every((key) => a[key] === b[key]);
}

// setTimeout's limit; a longer token lifetime is checked again when that timer fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [initial] = useState(loadSession);
  const [session, setSession] = useState<Session | null>(initial.session);
  const [ending, setEnding] = useState<Ending>(initial.ending);
  const queryClient = useQueryClient();
  // The token of the session now: set with the session itself, so that a 401 answered to
  // a token given up meanwhile (renewed, or signed out) is told apart from the current one's.
  const currentToken = useRef<string | null>(initial.session?.token ?? null);

  // RequireSession then sends the person to sign in, with the place they were at.
  const end = useCallback(
    (why: Exclude<Ending, null>) => {
      currentToken.current = null;
      saveSession(null);
      setEnding(why);
      setSession(null);
      queryClient.clear();
    },
    [queryClient],
  );

  const token = session?.token ?? null;
  // A 401 to a signed-in request: the token expired or was revoked.
  const api = useMemo(
    () =>
      createApiClient({
        token,
        onUnauthorized: () => {
          if (currentToken.current === token) end("expired");
        },
      }),
    [token, end],
  );

  /** Start (or go on with) a session on a token the service just issued. */
  const renew = useCallback((issued: TokenOut) => {
    const started: Session = { token: issued.token, expiresAt: issued.expires_at, user: issued.user };
    currentToken.current = started.token;
    saveSession(started);
    setEnding(null);
    setSession(started);
    return started;
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => renew((await call(api.POST("/api/login", { body: { email, password } }))).data),
    [api, renew],
  );

  const signOut = useCallback(() => end("signed-out"), [end]);

  const updateUser = useCallback((user: User) => {
    setSession((current) => {
      // The same account as stored: nothing to write (the stored session may have been
      // changed meanwhile, by another tab signing out, and is not written back).
      if (!current || sameUser(current.user, user)) return current;
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
    () => ({ session, ending, signIn, signOut, updateUser, renew }),
    [session, ending, signIn, signOut, updateUser, renew],
  );
  return (
    <ApiContext.Provider value={api}>
      <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
    </ApiContext.Provider>
  );
}
