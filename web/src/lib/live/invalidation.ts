// What an event makes stale in the query cache: every list and count of tickets (a new
// ticket, a change of status or assignee, a breach move tickets between them), and the
// page of the ticket it is about (its fields, comments, history). Read again soon after a
// first event (a burst, such as a bulk change, is read once), but on a busy desk no more
// than once every few seconds: the queue is five reads (the list and four counts) against
// the API's limit per person (300 a minute by default).
import type { QueryClient } from "@tanstack/react-query";
import { keys } from "../queryKeys";
import type { LiveEvent } from "./events";

export const INVALIDATION = {
  /** From the first event to the reads: the rest of its burst comes along. */
  delayMs: 200,
  /** Between two reads, at least. */
  intervalMs: 5_000,
};

/** Collects events and invalidates what they made stale, at most once an interval. */
export function createInvalidator(queryClient: QueryClient, { delayMs, intervalMs } = INVALIDATION) {
  const ticketIds = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastRead = -Infinity;

  function flush() {
    timer = undefined;
    lastRead = Date.now();
    const ids = [...ticketIds];
    ticketIds.clear();
    void queryClient.invalidateQueries({ queryKey: keys.tickets });
    for (const id of ids) void queryClient.invalidateQueries({ queryKey: keys.ticket(id), exact: true });
  }

  return {
    add(event: LiveEvent) {
      ticketIds.add(event.data.ticket.id);
      timer ??= setTimeout(flush, Math.max(delayMs, lastRead + intervalMs - Date.now()));
    },
    /** After a break in the stream: anything may have changed. */
    all() {
      void queryClient.invalidateQueries({ queryKey: keys.tickets });
      void queryClient.invalidateQueries({ queryKey: keys.ticketPages });
    },
    stop() {
      clearTimeout(timer);
      ticketIds.clear();
    },
  };
}
