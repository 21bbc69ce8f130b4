import { useNavigate } from "react-router";
import { followUpPath } from "../followUp";

/** In place of the reply box on a closed ticket: the service takes no new comment there
 * (a reply would reach no view of the desk), so anything more opens a follow-up ticket,
 * linked to this one. */
export function FollowUpPrompt({ ticketId }: { ticketId: number }) {
  const navigate = useNavigate();
  return (
    <div className="reply closed-prompt">
      <p>This ticket is closed: it takes no new replies. Anything more about it goes in a follow-up ticket, linked to this one.</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => navigate(followUpPath(ticketId))}>
          Open a follow-up
        </button>
      </div>
    </div>
  );
}
