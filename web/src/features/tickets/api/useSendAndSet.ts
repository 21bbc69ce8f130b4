import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import { isConflict } from "@/lib/api/client";
import type { CommentCreate, Status, Ticket } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import type { LoadedTicket } from "./useTicket";
import { useRefreshTicket } from "./useRefreshTicket";
import { updateTicket } from "./writes";

export interface SendAndSet {
  status: Status;
  /** The ticket as the person saw it: its version goes in If-Match. */
  from: LoadedTicket;
  comment: CommentCreate;
}

/** A reply (or a note) and a new status in one PATCH, one transaction: both or neither.
 * On 409 the ticket is read again before `onConflict`, so the conflict panel compares the
 * version the person saw with the fresh one. */
export function useSendAndSet(ticketId: number, { onSent, onConflict }: { onSent: (ticket: Ticket) => void; onConflict: (sent: SendAndSet) => void }) {
  const api = useApi();
  const refresh = useRefreshTicket(ticketId);
  // Set at submit time: a second click before React renders again sends nothing.
  const sending = useRef(false);
  const mutation = useMutation({
    mutationFn: async ({ status, from, comment }: SendAndSet) => {
      try {
        return await updateTicket(api, ticketId, from.version, { status, comment });
      } finally {
        sending.current = false;
      }
    },
    onSuccess: async (updated) => {
      onSent(updated);
      await refresh();
    },
    onError: async (error, sent) => {
      if (!isConflict(error)) return;
      await refresh();
      onConflict(sent);
    },
  });
  return {
    mutation,
    /** Whether a send is on its way (set before React renders it). */
    busy: () => sending.current || mutation.isPending,
    send(sent: SendAndSet): void {
      if (sending.current || mutation.isPending) return;
      sending.current = true;
      mutation.mutate(sent);
    },
  };
}
