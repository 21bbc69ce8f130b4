// The queue's filters and views, as the URL keeps them (a view can be reloaded, bookmarked
// and shared) and as the list API takes them.
import { STATUSES } from "@/lib/tickets/labels";
import type { Status } from "@/lib/api/types";

// The queue opens on the work not done yet, paused tickets (pending, on hold) included;
// "status=" (none ticked) means every status.
export const OPEN_STATUSES: readonly Status[] = ["open", "in_progress", "pending", "on_hold"];

/** The list API's filters (GET /api/tickets, /breached and /count). */
export interface ListFilters {
  status?: string;
  assignee?: string;
  breached?: "true" | "false";
  first_response_breached?: "true" | "false";
  query?: string;
}

export interface QueueFilters {
  statuses: Status[];
  assignee: string;
  breachedOnly: boolean;
  firstReplyOverdue: boolean;
  query: string;
}

/** The filters in the URL; the breached view lists every status unless told. */
export function readFilters(params: URLSearchParams, breachedView: boolean): QueueFilters {
  const statusParam = params.get("status");
  const statuses =
    statusParam === null
      ? breachedView
        ? []
        : [...OPEN_STATUSES]
      : (statusParam.split(",").filter((s) => (STATUSES as readonly string[]).includes(s)) as Status[]);
  return {
    statuses,
    assignee: params.get("assignee") ?? "",
    breachedOnly: !breachedView && params.get("breached") === "true",
    firstReplyOverdue: params.get("first_response_breached") === "true",
    query: params.get("query") ?? "",
  };
}

/** The same filters as the API takes them (empty ones left out). */
export function toListFilters(filters: QueueFilters): ListFilters {
  return {
    status: filters.statuses.join(",") || undefined,
    assignee: filters.assignee || undefined,
    breached: filters.breachedOnly ? "true" : undefined,
    first_response_breached: filters.firstReplyOverdue ? "true" : undefined,
    query: filters.query || undefined,
  };
}

/** The queue's views: a click on one sets the filters to its own. */
export interface QueueView {
  label: string;
  /** Its filters as URL parameters, on top of the open statuses. */
  params: Record<string, string>;
}

export const VIEWS: readonly QueueView[] = [
  { label: "Unassigned", params: { assignee: "none" } },
  { label: "Mine", params: { assignee: "me" } },
  { label: "Breached", params: { breached: "true" } },
  { label: "All open", params: {} },
];

// The URL parameters that are filters (sort and offset are not: a view keeps the sort).
const FILTER_PARAMS = ["status", "assignee", "breached", "first_response_breached", "query"];

/** The view whose filters are exactly the URL's, if any. */
export function currentView(params: URLSearchParams): QueueView | undefined {
  const filters = readFilters(params, false);
  const openOnly = filters.statuses.length === OPEN_STATUSES.length && OPEN_STATUSES.every((s) => filters.statuses.includes(s));
  if (!openOnly) return undefined;
  return VIEWS.find((view) =>
    FILTER_PARAMS.every((name) => {
      if (name === "status") return true;
      return (params.get(name) || undefined) === view.params[name];
    }),
  );
}

/** The view's link: its filters, the sort kept. */
export function viewSearch(view: QueueView, params: URLSearchParams): string {
  const next = new URLSearchParams(view.params);
  const sort = params.get("sort");
  if (sort) next.set("sort", sort);
  const search = next.toString();
  return search ? `?${search}` : "";
}

/** The API's filters of a view (what its count counts). */
export function viewFilters(view: QueueView): ListFilters {
  return toListFilters(readFilters(new URLSearchParams(view.params), false));
}
