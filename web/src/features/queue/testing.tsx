// The queue's tests' shared pieces: its other reads answered, and where the router stands.
import { useLocation } from "react-router";
import { fakeApi, usersReply } from "@/test/helpers";

type Routes = Parameters<typeof fakeApi>[0];

/** fakeApi with the queue's other reads answered: the views' counts and the people. */
export function queueApi(routes: Routes) {
  return fakeApi({
    "GET /api/tickets/count": [{ body: { count: 3, exact: true } }],
    "GET /api/users": [usersReply()],
    ...routes,
  });
}

/** The router's place, for a test to read: <p data-testid="location">/queue?sort=…</p>. */
export function Location() {
  const location = useLocation();
  return <p data-testid="location">{location.pathname + location.search}</p>;
}
