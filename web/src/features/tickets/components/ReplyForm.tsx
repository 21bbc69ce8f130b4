import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe, errorFor } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { useIdempotentSubmit } from "@/hooks/useIdempotentSubmit";
import type { CommentCreate, User } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import { isStaff } from "@/lib/session/roles";
import { addComment } from "../api/writes";

const draftKey = (ticketId: number) => `helpdesk.reply.${ticketId}`;
const kindKey = (ticketId: number) => `helpdesk.reply.${ticketId}.kind`;

/** The reply box. Agents and admins choose between a reply to the requester and an
 * internal note (never shown to the requester); a requester only replies. What is being
 * typed, and which of the two it is, survive a reload or a sign-in after the session
 * expired (sessionStorage): a note being written never turns into a public reply. */
export function ReplyForm({ ticketId, user }: { ticketId: number; user: User }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const staff = isStaff(user);
  const [body, setBody] = useState(() => sessionStorage.getItem(draftKey(ticketId)) ?? "");
  const [internal, setInternal] = useState(() => staff && sessionStorage.getItem(kindKey(ticketId)) === "internal");
  const send = useIdempotentSubmit(
    (comment: CommentCreate, idempotencyKey: string) => addComment(api, ticketId, comment, idempotencyKey),
    async () => {
      setBody("");
      sessionStorage.removeItem(draftKey(ticketId));
      // The status may have changed too (a requester's reply reopens a pending ticket).
      await queryClient.invalidateQueries({ queryKey: keys.ticket(ticketId) });
      void queryClient.invalidateQueries({ queryKey: keys.tickets });
    },
  );

  function edit(value: string) {
    send.edited();
    setBody(value);
    if (value) sessionStorage.setItem(draftKey(ticketId), value);
    else sessionStorage.removeItem(draftKey(ticketId));
  }

  function choose(note: boolean) {
    send.edited();
    setInternal(note);
    if (note) sessionStorage.setItem(kindKey(ticketId), "internal");
    else sessionStorage.removeItem(kindKey(ticketId));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    send.submit({ body, internal: staff && internal });
  }

  const { error: sendError, isPending } = send.mutation;
  const error = errorFor(sendError, "body");
  const note = staff && internal;
  return (
    <form onSubmit={submit} noValidate aria-busy={isPending} className={note ? "reply note" : "reply"}>
      <FormError error={sendError} fields={["body"]} />
      {staff && (
        <fieldset className="reply-kind">
          <legend className="visually-hidden">Write</legend>
          <label className="check">
            <input type="radio" name={`kind-${ticketId}`} checked={!internal} onChange={() => choose(false)} />
            Reply to requester
          </label>
          <label className="check">
            <input type="radio" name={`kind-${ticketId}`} checked={internal} onChange={() => choose(true)} />
            Internal note
          </label>
        </fieldset>
      )}
      <label htmlFor="reply">{note ? "Note" : "Reply"}</label>
      <textarea {...describe("reply", error)} rows={4} value={body} onChange={(e) => edit(e.target.value)} />
      {staff && (
        <p className="hint">
          {note ? "Only agents and admins see internal notes; the requester is not told." : "The requester sees this reply."}
        </p>
      )}
      <FieldError id="reply" message={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={isPending}>
          {isPending ? "Sending…" : note ? "Add internal note" : "Send reply"}
        </button>
      </div>
    </form>
  );
}
