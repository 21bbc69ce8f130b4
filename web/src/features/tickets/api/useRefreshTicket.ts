import { useQueryClient } from "@tanstack/react-query";
import { keys } from "@/lib/queryKeys";

/** Load the ticket again (awaited: what comes next shows the fresh version) and let the
 * lists refresh. */
export function useRefreshTicket(ticketId: number): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.refetchQueries({ queryKey: keys.ticket(ticketId), exact: true });
    void queryClient.invalidateQueries({ queryKey: keys.tickets });
  };
}
