// The session kept in localStorage, so a reload keeps it.
import type { User } from "../api/types";

const STORAGE_KEY = "helpdesk.session";

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

/** Why there is no session: RequireSession sends the person to sign in accordingly. */
export type Ending = "expired" | "signed-out" | null;

/** The stored session, or why there is none ("expired" when its token ran out). */
export function loadSession(): { session: Session | null; ending: Ending } {
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

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
}
