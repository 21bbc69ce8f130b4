import type { ReactNode } from "react";
import { Navigate } from "react-router";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";

/** Agents' and admins' pages: a requester goes to their own tickets instead. */
export function StaffOnly({ children }: { children: ReactNode }) {
  const user = useUser();
  return isStaff(user) ? <>{children}</> : <Navigate to="/tickets" replace />;
}
