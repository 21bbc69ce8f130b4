import { Link, useSearchParams } from "react-router";
import { formatNumber } from "@/lib/format";
import { useTicketCounts, type TicketCount } from "../api/useViewCounts";
import { currentView, VIEWS, viewFilters, viewSearch } from "../filters";

/** "12", or past the API's exact counting, "10,000+" / "~12,400". */
export function formatCount({ count, exact }: TicketCount): string {
  if (exact) return formatNumber(count);
  return count >= 10_000 ? `${formatNumber(10_000)}+` : `~${formatNumber(count)}`;
}

const FILTERS = VIEWS.map(viewFilters);

/** The queue's views (Unassigned, Mine, Breached, All open), each with its count; the one
 * the filters match is marked current. */
export function ViewTabs() {
  const [params] = useSearchParams();
  const current = currentView(params);
  const counts = useTicketCounts(FILTERS);
  return (
    <nav className="views" aria-label="Views">
      <ul>
        {VIEWS.map((view, index) => {
          const count = counts[index];
          return (
            <li key={view.label}>
              <Link to={{ search: viewSearch(view, params) }} aria-current={view === current ? "page" : undefined}>
                {view.label}
                {count && <span className="count">{formatCount(count)}</span>}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
