// The list's orders: the API's four sorts, each a column the queue's header sorts by.
import type { paths } from "@/api/schema";

export type Sort = NonNullable<NonNullable<paths["/api/tickets"]["get"]["parameters"]["query"]>["sort"]>;

/** The agents' queue: soonest due first (paused tickets, with no due date, last). */
export const QUEUE_SORT: Sort = "due_at";

/** Each sort's column, in the table's order, and how it reads. */
export const SORTS: readonly { sort: Sort; column: string; words: string; ascending: boolean }[] = [
  { sort: "due_at", column: "Due", words: "Due date, soonest first", ascending: true },
  { sort: "-priority", column: "Priority", words: "Priority, most urgent first", ascending: false },
  { sort: "-updated_at", column: "Updated", words: "Last updated first", ascending: false },
  { sort: "-created_at", column: "Opened", words: "Newest first", ascending: false },
];

/** The sort in the URL, or `fallback` when there is none or it is not one of the API's. */
export function parseSort(value: string | null, fallback: Sort): Sort {
  return SORTS.find((s) => s.sort === value)?.sort ?? fallback;
}

/** A header's aria-sort: the direction of the list when it is sorted by this column. */
export function ariaSort(column: Sort, current: Sort): "ascending" | "descending" | undefined {
  if (column !== current) return undefined;
  return SORTS.find((s) => s.sort === column)!.ascending ? "ascending" : "descending";
}
