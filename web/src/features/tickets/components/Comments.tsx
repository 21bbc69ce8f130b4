import type { TicketDetail, User } from "@/lib/api/types";
import { CommentItem } from "./CommentItem";
import { FollowUpPrompt } from "./FollowUpPrompt";
import { ReplyForm } from "./ReplyForm";

/** The thread, oldest first (internal notes among them, for agents and admins: the API
 * never sends them to a requester), and the reply box; on a closed ticket, which takes
 * no new comment, the way to a follow-up instead. */
export function Comments({ ticket, version, user }: { ticket: TicketDetail; version: number; user: User }) {
  const { comments } = ticket;
  const notes = comments.filter((c) => c.internal).length;
  return (
    <section aria-labelledby="comments-heading">
      <h2 id="comments-heading">
        Comments ({comments.length}){notes > 0 && <span className="hint-inline"> including {notes === 1 ? "1 internal note" : `${notes} internal notes`}</span>}
      </h2>
      {comments.length ? (
        <ol className="comments">
          {comments.map((comment) => (
            <CommentItem key={comment.id} comment={comment} user={user} />
          ))}
        </ol>
      ) : (
        <p className="muted">No comments yet.</p>
      )}
      {ticket.status === "closed" ? (
        <FollowUpPrompt ticketId={ticket.id} />
      ) : (
        <ReplyForm key={ticket.id} ticket={ticket} version={version} user={user} />
      )}
    </section>
  );
}
