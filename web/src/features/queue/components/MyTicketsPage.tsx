import { Link, Navigate, useSearchParams } from "react-router";
import { Empty } from "@/components/Empty";
import { LoadError } from "@/components/LoadError";
import { Loading } from "@/components/Loading";
import { Pager } from "@/components/Pager";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { useLimits } from "@/lib/uiConfig";
import { useTicketList } from "../api/useTicketList";
import { TicketTable } from "./TicketTable";

/** A requester's own tickets (the API lists only those to a requester). */
export function MyTicketsPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const list = useTicketList({ breachedView: false, offset });
  const limits = useLimits();
  if (isStaff(user)) return <Navigate to="/queue" replace />;

  return (
    <section>
      <div className="page-head">
        <h1>My tickets</h1>
        <Link className="button primary" to="/tickets/new">
          New ticket
        </Link>
      </div>
      {list.isLoading ? (
        <Loading what="your tickets" />
      ) : list.error ? (
        <LoadError error={list.error} retry={() => void list.refetch()} />
      ) : !list.data?.items.length ? (
        <Empty>
          <p>You have no tickets yet.</p>
          <p>
            <Link to="/tickets/new">Open a ticket</Link> and the support team will pick it up.
          </p>
        </Empty>
      ) : (
        <>
          <TicketTable tickets={list.data.items} caption="My tickets" showAssignee={false} />
          {limits && (
            <Pager
              offset={offset}
              count={list.data.items.length}
              pageSize={limits.page_size}
              nextOffset={list.data.next_offset}
              onOffset={(value) => setParams(value ? { offset: String(value) } : {})}
            />
          )}
        </>
      )}
    </section>
  );
}
