import { useState } from "react";
import { personName } from "@/lib/people";
import { eventActor } from "@/lib/live/events";
import { useLiveEvent } from "@/lib/live/useLive";
import { useUser } from "@/lib/session/useSession";

/** Who saved a newer version of the ticket than `since` (the version an unsaved edit
 * started from), as the live stream tells it, in order: [] while nobody did, and always
 * without an edit (null). The answer to a save of one's own (`saving`) is not heard. */
export function useChangedSince(ticketId: number, since: number | null, saving: boolean): string[] {
  const user = useUser();
  const [heard, setHeard] = useState<{ since: number; names: string[] } | null>(null);
  useLiveEvent((event) => {
    const { ticket } = event.data;
    if (ticket.id !== ticketId || since === null || saving || ticket.version <= since) return;
    const actor = eventActor(event);
    const name = actor ? personName(actor, user) : "someone";
    setHeard((previous) => {
      const names = previous?.since === since ? previous.names : [];
      return { since, names: names.includes(name) ? names : [...names, name] };
    });
  });
  return heard !== null && heard.since === since ? heard.names : [];
}
