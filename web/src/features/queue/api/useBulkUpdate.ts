import { useMutation, useQueryClient } from "@tanstack/react-query";
import { call, isConflict } from "@/lib/api/client";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import { alreadySo, type BulkChange, type BulkResult, type BulkTicket } from "../bulk";

/** One change to several tickets: each its own PATCH with its own If-Match (the version the
 * list showed), one after another; then the lists (and those tickets) are read again. */
export function useBulkUpdate() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ tickets, change }: { tickets: readonly BulkTicket[]; change: BulkChange }): Promise<BulkResult> => {
      const result: BulkResult = { change, updated: [], unchanged: [], conflicts: [], failed: [] };
      for (const ticket of tickets) {
        if (alreadySo(ticket, change)) {
          result.unchanged.push(ticket.id);
          continue;
        }
        try {
          await call(
            api.PATCH("/api/tickets/{ticket_id}", {
              params: { path: { ticket_id: ticket.id }, header: { "if-match": `"${ticket.version}"` } },
              body: change,
            }),
          );
          result.updated.push(ticket.id);
        } catch (error) {
          if (isConflict(error)) result.conflicts.push(ticket.id);
          else result.failed.push({ id: ticket.id, message: error instanceof Error ? error.message : "Something went wrong" });
        }
      }
      return result;
    },
    onSettled: async (result) => {
      for (const id of [...(result?.updated ?? []), ...(result?.conflicts ?? [])]) {
        void queryClient.invalidateQueries({ queryKey: keys.ticket(id) });
      }
      await queryClient.invalidateQueries({ queryKey: keys.tickets });
    },
  });
}
