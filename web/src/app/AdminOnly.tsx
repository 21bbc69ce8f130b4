import type { ReactNode } from "react";
import { Navigate } from "react-router";
import { homePath } from "@/lib/session/paths";
import { useUser } from "@/lib/session/useSession";

/** Admins' pages: anyone else goes to their start page instead. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const user = useUser();
  return user.role === "admin" ? <>{children}</> : <Navigate to={homePath(user)} replace />;
}
