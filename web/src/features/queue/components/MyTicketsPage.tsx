import { Link, Navigate, useSearchParams } from "react-router";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { useTicketList } from "../api/useTicketList";
import { TicketList } from "./TicketList";

/** A requester's own tickets (the API lists only those to a requester). */
export function MyTicketsPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const list = useTicketList({ breachedView: false, offset });
  if (isStaff(user)) return <Navigate to="/queue" replace />;

  return (
    <section>
      <div className="page-head">
        <h1>My tickets</h1>
        <Link className="button primary" to="/tickets/new">
          New ticket
        </Link>
      </div>
      <TicketList
        list={list}
        what="your tickets"
        empty={
          <>
            <p>You have no tickets yet.</p>
            <p>
              <Link to="/tickets/new">Open a ticket</Link> and the support team will pick it up.
            </p>
          </>
        }
        caption="My tickets"
        showAssignee={false}
        offset={offset}
        onOffset={(value) => setParams(value ? { offset: String(value) } : {})}
      />
    </section>
  );
}
