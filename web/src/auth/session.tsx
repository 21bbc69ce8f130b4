// Who is signed in: the token and user from POST /api/login, kept in localStorage so a
// reload keeps the session. When the token expires (its expires_at, or a 401 from the
// service) the person is sent to the sign-in page with the place they were at.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { api, call, setToken, setUnauthorizedHandler, type User } from "../api/client";

const STORAGE_KEY = "helpdesk.session";
// setTimeout's limit; a longer token lifetime is checked again when that timer fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why there is no session: RequireSession sends the person to sign in accordingly. */
type Ending = "expired" | "signed-out" | null;

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

interface SessionContext {
  session: Session | null;
  ending: Ending;
  signIn: (email: string, password: string) => Promise<Session>;
  signOut: () => void;
  /** Replace the signed-in user (after GET /api/me). */
  updateUser: (user: User) => void;
}

const Context = createContext<SessionContext | null>(null);

/** The stored session, or why there is none ("expired" when its token ran out). */
function load(): { session: Session | null; ending: Ending } {
  let ending: Ending = null;
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as Session | null;
    if (stored && Date.parse(stored.expiresAt) > Date.now()) return { session: stored, ending };
    if (stored) ending = "expired";
  } catch {
    // unreadable: start signed out
  }
  localStorage.removeItem(STORAGE_KEY);
  return { session: null, ending };
}

function save(session: Session | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
}

/** "/tickets/7?x=1": where to come back to after signing in again. */
export function loginPath(place: string, reason?: "expired"): string {
  const params = new URLSearchParams();
  if (place && place !== "/" && !place.startsWith("/login")) params.set("next", place);
  if (reason) params.set("reason", reason);
  const query = params.toString();
  return query ? `/login?${query}` : "/login";
}

/** Only same-app paths: never an open redirect to another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [initial] = useState(load);
  const [session, setSession] = useState<Session | null>(() => {
    setToken(initial.session?.token ?? null);
    return initial.session;
  });
  const [ending, setEnding] = useState<Ending>(initial.ending);
  const queryClient = useQueryClient();

  // RequireSession then sends the person to sign in, with the place they were at.
  const end = useCallback(
    (why: Exclude<Ending, null>) => {
      setToken(null);
      save(null);
      setEnding(why);
      setSession(null);
      queryClient.clear();
    },
    [queryClient],
  );

  const signIn = useCallback(async (email: string, password: string) => {
    const { data } = await call(api.POST("/api/login", { body: { email, password } }));
    const started: Session = { token: data.token, expiresAt: data.expires_at, user: data.user };
    setToken(started.token);
    save(started);
    setEnding(null);
    setSession(started);
    return started;
  }, []);

  const signOut = useCallback(() => end("signed-out"), [end]);

  const updateUser = useCallback((user: User) => {
    setSession((current) => {
      if (!current) return current;
      const next = { ...current, user };
      save(next);
      return next;
    });
  }, []);

  // A 401 to a signed-in request: the token expired or was revoked.
  useEffect(() => {
    setUnauthorizedHandler(() => end("expired"));
    return () => setUnauthorizedHandler(null);
  }, [end]);

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
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): SessionContext {
  const context = useContext(Context);
  if (!context) throw new Error("useSession outside SessionProvider");
  return context;
}

/** The signed-in user; only inside <RequireSession>. */
export function useUser(): User {
  const { session } = useSession();
  if (!session) throw new Error("useUser without a session");
  return session.user;
}

export function isStaff(user: Pick<User, "role">): boolean {
  return user.role === "agent" || user.role === "admin";
}

/** Where a person lands after signing in: the queue for agents and admins. */
export function homePath(user: Pick<User, "role">): string {
  return isStaff(user) ? "/queue" : "/tickets";
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { session, ending } = useSession();
  const location = useLocation();
  if (!session) {
    const to = ending === "signed-out" ? "/login" : loginPath(location.pathname + location.search, ending ?? undefined);
    return <Navigate to={to} replace />;
  }
  return <>{children}</>;
}
