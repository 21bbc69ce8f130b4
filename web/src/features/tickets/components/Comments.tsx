import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe, errorFor } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { formatDateTime } from "@/components/format";
import { useIdempotentSubmit } from "@/hooks/useIdempotentSubmit";
import type { Comment } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { useNameOf } from "@/lib/directory";
import { keys } from "@/lib/queryKeys";
import { addComment } from "../api/writes";

const draftKey = (ticketId: number) => `helpdesk.reply.${ticketId}`;

/** The thread, oldest first, and the reply box. A reply being typed survives a reload or
 * a sign-in after the session expired (sessionStorage). */
export function Comments({ ticketId, comments }: { ticketId: number; comments: Comment[] }) {
  const api = useApi();
  const nameOf = useNameOf();
  const queryClient = useQueryClient();
  const [body, setBody] = useState(() => sessionStorage.getItem(draftKey(ticketId)) ?? "");
  const send = useIdempotentSubmit(
    (text: string, idempotencyKey: string) => addComment(api, ticketId, text, idempotencyKey),
    async () => {
      setBody("");
      sessionStorage.removeItem(draftKey(ticketId));
      await queryClient.invalidateQueries({ queryKey: keys.ticket(ticketId) });
    },
  );

  function edit(value: string) {
    send.edited();
    setBody(value);
    if (value) sessionStorage.setItem(draftKey(ticketId), value);
    else sessionStorage.removeItem(draftKey(ticketId));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    send.submit(body);
  }

  const { error: sendError, isPending } = send.mutation;
  const error = errorFor(sendError, "body");
  return (
    <section aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments ({comments.length})</h2>
      {comments.length ? (
        <ol className="comments">
          {comments.map((comment) => (
            <li key={comment.id}>
              <p className="comment-meta">
                <strong>{nameOf(comment.author_id)}</strong> · <time dateTime={comment.created_at}>{formatDateTime(comment.created_at)}</time>
              </p>
              <p className="comment-body">{comment.body}</p>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No comments yet.</p>
      )}
      <form onSubmit={submit} noValidate aria-busy={isPending} className="reply">
        <FormError error={sendError} fields={["body"]} />
        <label htmlFor="reply">Reply</label>
        <textarea {...describe("reply", error)} rows={4} value={body} onChange={(e) => edit(e.target.value)} />
        <FieldError id="reply" message={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={isPending}>
            {isPending ? "Sending…" : "Send reply"}
          </button>
        </div>
      </form>
    </section>
  );
}
