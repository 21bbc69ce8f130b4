import { formatDateTime } from "@/lib/format";
import type { Comment, User } from "@/lib/api/types";
import { personName } from "@/lib/people";
import { roleTag } from "../people";
import { LinkedText } from "./LinkedText";

/** One comment: who wrote it (name, role), when, and the text. An internal note says so
 * in words ("Internal note: not shown to the requester") as well as by its look. */
export function CommentItem({ comment, user }: { comment: Comment; user: User }) {
  const tag = roleTag(comment.author, user);
  return (
    <li className={comment.internal ? "comment internal" : "comment"}>
      {comment.internal && (
        <p className="note-label">Internal note · not shown to the requester</p>
      )}
      <p className="comment-meta">
        <strong>{personName(comment.author, user)}</strong>
        {tag && <span className="role-tag"> ({tag})</span>} · <time dateTime={comment.created_at}>{formatDateTime(comment.created_at)}</time>
      </p>
      <p className="comment-body">
        <LinkedText text={comment.body} />
      </p>
    </li>
  );
}
