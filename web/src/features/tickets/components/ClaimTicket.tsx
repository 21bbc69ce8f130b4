import { useMutation } from "@tanstack/react-query";
import { FormError } from "@/components/FormError";
import { isConflict } from "@/lib/api/client";
import type { TicketDetail, User } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { useRefreshTicket } from "../api/useRefreshTicket";
import { updateTicket } from "../api/writes";
import { canClaim } from "../permissions";

/** The claim button, when the caller may take this unassigned ticket (with If-Match too). */
export function ClaimTicket({
  ticket,
  version,
  user,
  onClaimed,
}: {
  ticket: TicketDetail;
  version: number;
  user: User;
  onClaimed: () => void;
}) {
  const api = useApi();
  const refresh = useRefreshTicket(ticket.id);
  const claim = useMutation({
    mutationFn: () => updateTicket(api, ticket.id, version, { assignee_id: user.id }),
    onSuccess: async () => {
      onClaimed();
      await refresh();
    },
    onError: async (error) => {
      if (isConflict(error)) await refresh();
    },
  });

  if (!canClaim(user, ticket)) return null;
  const error = claim.error ? (isConflict(claim.error) ? new Error("This ticket changed meanwhile and was reloaded: check it and try again.") : claim.error) : null;
  return (
    <div className="claim">
      <button type="button" className="primary" disabled={claim.isPending} onClick={() => claim.mutate()}>
        {claim.isPending ? "Claiming…" : "Claim this ticket"}
      </button>
      <FormError error={error} />
    </div>
  );
}
