import { Link, Navigate, useSearchParams } from "react-router";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { useTicketList } from "../api/useTicketList";
import { SearchBox } from "./SearchBox";
import { TicketList } from "./TicketList";

/** A requester's own tickets (the API lists only those to a requester), with a word
 * search; the search, like the page, is in the URL. */
export function MyTicketsPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const query = params.get("query") ?? "";
  const list = useTicketList({ breachedView: false, query, offset });
  if (isStaff(user)) return <Navigate to="/queue" replace />;

  function go(next: { query?: string | null; offset?: number }) {
    const q = next.query === undefined ? query : next.query;
    const values: Record<string, string> = {};
    if (q) values.query = q;
    if (next.offset) values.offset = String(next.offset);
    setParams(values);
  }

  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>My tickets</h1>
        <Link className="button primary" to="/tickets/new">
          New ticket
        </Link>
      </div>
      <div className="filters">
        <SearchBox query={query} onSearch={(value) => go({ query: value })} label="Search my tickets" placeholder="Words in title, description or replies" />
      </div>
      <TicketList
        list={list}
        what="your tickets"
        empty={
          query ? (
            <p>None of your tickets has these words.</p>
          ) : (
            <>
              <p>You have no tickets yet.</p>
              <p>
                <Link to="/tickets/new">Open a ticket</Link> and the support team will pick it up.
              </p>
            </>
          )
        }
        caption="My tickets"
        showAssignee={false}
        offset={offset}
        onOffset={(value) => go({ offset: value })}
      />
    </section>
  );
}
