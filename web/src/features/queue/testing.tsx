// The queue's tests' shared pieces: list items as the API sends them, its replies, and
// where the router stands.
import { useLocation } from "react-router";
import type { Ticket } from "@/lib/api/types";
import { fakeApi, ticket, usersReply, type Recorded } from "@/test/helpers";

export type { Recorded };

/** A list item as the API sends it (no comments or timeline). */
export function item(fields: Partial<Ticket>): Ticket {
  const { comments: _c, timeline: _t, ...rest } = ticket({ breached: false, first_response_breached: false, ...fields });
  return rest;
}

export const page = (items: Ticket[]) => ({ body: { items, next_offset: null, next_cursor: null } });

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
