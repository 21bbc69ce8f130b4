import { Navigate } from "react-router";
import { homePath } from "@/lib/session/paths";
import { useUser } from "@/lib/session/useSession";

/** "/": the queue for agents and admins, a requester's own tickets otherwise. */
export function Home() {
  const user = useUser();
  return <Navigate to={homePath(user)} replace />;
}
