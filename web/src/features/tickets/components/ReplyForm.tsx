import { useRef, useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { useIdempotentSubmit } from "@/hooks/useIdempotentSubmit";
import { checkErrors, formErrors, type FormErrors } from "@/lib/apiErrors";
import { isConflict } from "@/lib/api/client";
import type { CommentCreate, Status, TicketDetail, User } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { isStaff } from "@/lib/session/roles";
import { useFocusInvalid } from "@/lib/useFocusInvalid";
import { useRefreshTicket } from "../api/useRefreshTicket";
import { useSendAndSet, type SendAndSet } from "../api/useSendAndSet";
import { addComment } from "../api/writes";
import { STATUS_LABELS } from "@/lib/tickets/labels";
import { ConflictPanel } from "./ConflictPanel";
import { SendAndSetButton } from "./SendAndSetButton";

const draftKey = (ticketId: number) => `helpdesk.reply.${ticketId}`;
const kindKey = (ticketId: number) => `helpdesk.reply.${ticketId}.kind`;

// What a reply most often ends with, first: resolved is the default.
const THEN_STATUSES: readonly Status[] = ["resolved", "pending", "on_hold", "in_progress", "open", "closed"];

/** The reply box. Agents and admins choose between a reply to the requester and an
 * internal note (never shown to the requester); a requester only replies. What is being
 * typed, and which of the two it is, survive a reload or a sign-in after the session
 * expired (sessionStorage): a note being written never turns into a public reply.
 * Staff who may change the ticket's status also send and set it in one step ("Send and
 * set to Resolved"): one PATCH with the comment and the status, on the version on screen
 * (If-Match); when the ticket changed meanwhile, the conflict panel says what changed. */
export function ReplyForm({ ticket, version, user }: { ticket: TicketDetail; version: number; user: User }) {
  const ticketId = ticket.id;
  const api = useApi();
  const refresh = useRefreshTicket(ticketId);
  const staff = isStaff(user);
  const [body, setBody] = useState(() => sessionStorage.getItem(draftKey(ticketId)) ?? "");
  const [internal, setInternal] = useState(() => staff && sessionStorage.getItem(kindKey(ticketId)) === "internal");
  const thenChoices = THEN_STATUSES.filter((status) => status !== ticket.status);
  const [chosen, setChosen] = useState<Status>(thenChoices[0]!);
  const then = thenChoices.includes(chosen) ? chosen : thenChoices[0]!;
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [conflict, setConflict] = useState<SendAndSet | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusInvalid(form);

  function sent() {
    setBody("");
    sessionStorage.removeItem(draftKey(ticketId));
  }

  const send = useIdempotentSubmit(
    (comment: CommentCreate, idempotencyKey: string) => addComment(api, ticketId, comment, idempotencyKey),
    async () => {
      sent();
      // The status may have changed too (a requester's reply reopens a pending ticket).
      await refresh();
    },
  );
  const sendAndSet = useSendAndSet(ticketId, {
    onSent: (updated) => {
      sent();
      setConflict(null);
      // The ticket as the service left it: a requester's own reply may have reopened it.
      setNotice(`Sent. The ticket is now ${STATUS_LABELS[updated.status]}.`);
    },
    onConflict: setConflict,
  });

  function edit(value: string) {
    send.edited();
    setChecked(null);
    setNotice(null);
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

  const note = staff && internal;
  const label = note ? "Note" : "Reply";

  /** The comment to send, or nothing when the box is empty (said beside it). */
  function comment(): CommentCreate | null {
    const found = checkErrors({ body: body.trim() ? undefined : `${label} is required` });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    setNotice(null);
    return found.summary ? null : { body, internal: note };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const content = comment();
    if (!content || sendAndSet.busy()) return;
    sendAndSet.mutation.reset();
    send.submit(content);
  }

  function submitAndSet(status: Status) {
    const content = comment();
    if (!content || send.mutation.isPending) return;
    send.edited();
    sendAndSet.send({ status, from: { ticket, version }, comment: content });
  }

  const canSetStatus = staff && ticket.allowed_fields.includes("status");
  const setError = sendAndSet.mutation.error;
  const error = setError && !isConflict(setError) ? setError : send.mutation.error;
  // The fields shown here: a refusal of another (an internal note's `internal`) goes above.
  const words = { body: label, "comment.body": label, ...(canSetStatus ? { status: "Status" } : {}) };
  const shown = checked ?? formErrors(error, words);
  const bodyError = shown.fields.body ?? shown.fields["comment.body"];
  const busy = send.mutation.isPending || sendAndSet.mutation.isPending;
  return (
    <form ref={form} onSubmit={submit} noValidate aria-busy={busy} className={note ? "reply note" : "reply"}>
      <FormError error={shown.summary ? new Error(shown.summary) : null} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {conflict && (
        <ConflictPanel
          base={conflict.from.ticket}
          fresh={ticket}
          draft={{ status: conflict.status }}
          busy={sendAndSet.mutation.isPending}
          onReapply={() => submitAndSet(conflict.status)}
          onDiscard={() => {
            setConflict(null);
            sendAndSet.mutation.reset();
            setNotice("Nothing was sent: your text is still in the box, and the ticket is as shown.");
          }}
        >
          <p>Your {note ? "note" : "reply"} was not sent either: it is still in the box below.</p>
        </ConflictPanel>
      )}
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
      <label htmlFor="reply">{label}</label>
      <textarea {...describe("reply", bodyError)} rows={4} value={body} onChange={(e) => edit(e.target.value)} />
      {staff && (
        <p className="hint">
          {note ? "Only agents and admins see internal notes; the requester is not told." : "The requester sees this reply."}
        </p>
      )}
      <FieldError id="reply" message={bodyError} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {send.mutation.isPending ? "Sending…" : note ? "Add internal note" : "Send reply"}
        </button>
        {canSetStatus && (
          <SendAndSetButton
            verb={note ? "Add note" : "Send"}
            choices={thenChoices}
            status={then}
            onStatus={setChosen}
            onSend={() => submitAndSet(then)}
            pending={sendAndSet.mutation.isPending}
            disabled={busy || conflict !== null}
            error={shown.fields.status}
          />
        )}
      </div>
      <FieldError id="reply-then" message={shown.fields.status} />
    </form>
  );
}
