import { createContext, useContext } from "react";
import type { TokenOut, User } from "../api/types";
import type { Ending, Session } from "./storage";

export interface SessionState {
  session: Session | null;
  ending: Ending;
  signIn: (email: string, password: string) => Promise<Session>;
  signOut: () => void;
  /** Replace the signed-in user (after GET /api/me). */
  updateUser: (user: User) => void;
  /** Go on with a new token the service issued (after a password change: the old one
   * no longer works). */
  renew: (issued: TokenOut) => Session;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const context = useContext(SessionContext);
  if (!context) throw new Error("useSession outside SessionProvider");
  return context;
}

/** The signed-in user; only inside <RequireSession>. */
export function useUser(): User {
  const { session } = useSession();
  if (!session) throw new Error("useUser without a session");
  return session.user;
}
