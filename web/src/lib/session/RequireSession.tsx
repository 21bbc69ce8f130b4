import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { loginPath } from "./paths";
import { useSession } from "./useSession";

/** Its children when signed in; otherwise sign in, back here after when the session expired. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { session, ending } = useSession();
  const location = useLocation();
  if (!session) {
    const to = ending === "signed-out" ? "/login" : loginPath(location.pathname + location.search, ending ?? undefined);
    return <Navigate to={to} replace />;
  }
  return <>{children}</>;
}
