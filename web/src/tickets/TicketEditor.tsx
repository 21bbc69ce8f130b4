// The ticket's editable fields, for what the caller's role may change, and the conflict
// flow: every save carries If-Match with the version the edit started from; on 409 the
// page reloads the ticket, shows what changed meanwhile and who changed it, and lets the
// person reapply their edit on the fresh version or drop it.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  api,
  call,
  isConflict,
  type Priority,
  type Status,
  type TicketDetail,
  type TicketUpdate,
  type User,
} from "../api/client";
import { keys, useDirectory, useNameOf, type LoadedTicket } from "../api/queries";
import { describe, errorFor, FieldError, FormError } from "../components/forms";
import { PRIORITIES, PRIORITY_LABELS, STATUSES, STATUS_LABELS } from "../components/format";
import { canClaim, editableFields, readOnlyReason, type EditableField } from "./permissions";

export type Draft = Partial<Record<EditableField, string>>;

const LABELS: Record<EditableField, string> = {
  title: "Title",
  description: "Description",
  status: "Status",
  priority: "Priority",
  assignee_id: "Assignee",
  sla_minutes: "SLA (minutes)",
};
const ALL_FIELDS = Object.keys(LABELS) as EditableField[];

/** A field of the ticket as the form holds it (text). */
export function fieldValue(ticket: TicketDetail, field: EditableField): string {
  const value = ticket[field];
  return value === null || value === undefined ? "" : String(value);
}

/** The draft as a PATCH body. A bad number is sent as typed: the API names the field. */
export function toUpdate(draft: Draft): TicketUpdate {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(draft) as [EditableField, string][]) {
    if (field === "assignee_id") body[field] = value === "" ? null : Number(value);
    else if (field === "sla_minutes") body[field] = /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    else body[field] = value;
  }
  return body as TicketUpdate;
}

interface Start {
  ticket: TicketDetail;
  version: number;
}

export function TicketEditor({ ticket, version, user }: { ticket: TicketDetail; version: number; user: User }) {
  const queryClient = useQueryClient();
  const fields = editableFields(user, ticket);
  const [draft, setDraft] = useState<Draft>({});
  // The ticket as it was when the edit started: its version goes in If-Match.
  const [start, setStart] = useState<Start | null>(null);
  const [conflict, setConflict] = useState<Start | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function refresh() {
    await queryClient.refetchQueries({ queryKey: keys.ticket(ticket.id), exact: true });
    void queryClient.invalidateQueries({ queryKey: keys.tickets });
  }

  function finish() {
    setDraft({});
    setStart(null);
    setConflict(null);
  }

  const save = useMutation({
    mutationFn: async ({ changes, from }: { changes: Draft; from: Start }) => {
      const headers = { "if-match": `"${from.version}"` };
      return (
        await call(
          api.PATCH("/api/tickets/{ticket_id}", {
            params: { path: { ticket_id: ticket.id }, header: headers },
            body: toUpdate(changes),
          }),
        )
      ).data;
    },
    onSuccess: async (updated) => {
      // Show the saved values at once; the refetch brings the timeline.
      queryClient.setQueryData<LoadedTicket>(keys.ticket(ticket.id), (old) =>
        old ? { ticket: { ...old.ticket, ...updated }, version: updated.version } : old,
      );
      finish();
      setNotice("Changes saved.");
      await refresh();
    },
    onError: async (error, { from }) => {
      if (isConflict(error)) {
        // The panel compares with the fresh version: fetch it before showing anything.
        await refresh();
        setConflict(from);
      }
    },
  });

  const claim = useMutation({
    mutationFn: async () =>
      call(
        api.PATCH("/api/tickets/{ticket_id}", {
          params: { path: { ticket_id: ticket.id }, header: { "if-match": `"${version}"` } },
          body: { assignee_id: user.id },
        }),
      ),
    onSuccess: async () => {
      setNotice("You claimed this ticket.");
      await refresh();
    },
    onError: async (error) => {
      if (isConflict(error)) await refresh();
    },
  });

  function change(field: EditableField, value: string) {
    const from = start ?? { ticket, version };
    const next: Draft = { ...draft, [field]: value };
    if (value === fieldValue(from.ticket, field)) delete next[field];
    setNotice(null);
    save.reset();
    setDraft(next);
    setStart(Object.keys(next).length || conflict ? from : null);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!start || !Object.keys(draft).length || save.isPending) return;
    save.mutate({ changes: draft, from: start });
  }

  function reapply() {
    // Only what still differs from the fresh version is sent, on that version.
    const fresh: Start = { ticket, version };
    const changes: Draft = {};
    for (const [field, value] of Object.entries(draft) as [EditableField, string][]) {
      if (value !== fieldValue(ticket, field)) changes[field] = value;
    }
    setConflict(null);
    if (!Object.keys(changes).length) {
      finish();
      setNotice("Your changes were already in place.");
      return;
    }
    setDraft(changes);
    setStart(fresh);
    save.mutate({ changes, from: fresh });
  }

  function discard() {
    finish();
    save.reset();
    setNotice("Your changes were discarded; this is the latest version.");
  }

  const shown = (field: EditableField) => (field in draft ? draft[field]! : fieldValue(ticket, field));
  const claimable = canClaim(user, ticket);
  const reason = readOnlyReason(user, ticket);
  const saveError = save.error && !isConflict(save.error) ? save.error : null;
  const claimError = claim.error ? (isConflict(claim.error) ? new Error("This ticket changed meanwhile and was reloaded: check it and try again.") : claim.error) : null;

  return (
    <section className="editor" aria-labelledby="editor-heading">
      <h2 id="editor-heading">Details</h2>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {claimable && (
        <div className="claim">
          <button type="button" className="primary" disabled={claim.isPending} onClick={() => claim.mutate()}>
            {claim.isPending ? "Claiming…" : "Claim this ticket"}
          </button>
          <FormError error={claimError} />
        </div>
      )}
      {conflict && (
        <ConflictPanel base={conflict.ticket} fresh={ticket} draft={draft} onReapply={reapply} onDiscard={discard} busy={save.isPending} />
      )}
      {fields.length ? (
        <form onSubmit={submit} noValidate aria-busy={save.isPending}>
          <FormError error={saveError} fields={fields} />
          {fields.map((field) => (
            <FieldInput key={field} field={field} value={shown(field)} error={errorFor(saveError, field)} onChange={(value) => change(field, value)} ticket={ticket} />
          ))}
          <div className="actions">
            <button type="submit" className="primary" disabled={!Object.keys(draft).length || save.isPending || conflict !== null}>
              {save.isPending ? "Saving…" : "Save changes"}
            </button>
            {Object.keys(draft).length > 0 && !conflict && (
              <button type="button" onClick={discard}>
                Cancel
              </button>
            )}
          </div>
        </form>
      ) : (
        !claimable && reason && <p className="muted">{reason}</p>
      )}
    </section>
  );
}

function FieldInput({
  field,
  value,
  error,
  onChange,
  ticket,
}: {
  field: EditableField;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  ticket: TicketDetail;
}) {
  const { assignable } = useDirectory();
  const nameOf = useNameOf();
  const id = `edit-${field}`;
  const props = describe(id, error);
  let input;
  switch (field) {
    case "description":
      input = <textarea {...props} rows={5} value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "status":
      input = (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      );
      break;
    case "priority":
      input = (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
      );
      break;
    case "assignee_id": {
      const known = assignable.some((u) => String(u.id) === value);
      input = (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Unassigned</option>
          {!known && value !== "" && <option value={value}>{nameOf(Number(value))}</option>}
          {assignable.map((u) => (
            <option key={u.id} value={u.id}>
              {nameOf(u.id)}
              {u.role === "admin" ? " (admin)" : ""}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "sla_minutes":
      input = <input {...props} inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    default:
      input = <input {...props} required maxLength={200} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className="field">
      <label htmlFor={id}>{LABELS[field]}</label>
      {input}
      {field === "sla_minutes" && <p className="hint">Due date = created + this many minutes (now {ticket.sla_minutes}).</p>}
      <FieldError id={id} message={error} />
    </div>
  );
}

/** What changed between the version the edit started from and the fresh one. */
export function changedFields(base: TicketDetail, fresh: TicketDetail): EditableField[] {
  return ALL_FIELDS.filter((field) => fieldValue(base, field) !== fieldValue(fresh, field));
}

function ConflictPanel({
  base,
  fresh,
  draft,
  onReapply,
  onDiscard,
  busy,
}: {
  base: TicketDetail;
  fresh: TicketDetail;
  draft: Draft;
  onReapply: () => void;
  onDiscard: () => void;
  busy: boolean;
}) {
  const nameOf = useNameOf();
  const changed = changedFields(base, fresh);
  const mine = Object.keys(draft) as EditableField[];
  const rows = ALL_FIELDS.filter((f) => changed.includes(f) || mine.includes(f));
  const who = [
    ...new Set(
      fresh.timeline
        .filter((entry) => entry.action === "ticket.updated" && Number(entry.meta.version) > base.version)
        .map((entry) => nameOf(entry.actor_id)),
    ),
  ];
  const show = (ticket: TicketDetail, field: EditableField) => display(field, fieldValue(ticket, field), nameOf);

  return (
    <div className="conflict" role="alert" aria-labelledby="conflict-heading">
      <h3 id="conflict-heading">This ticket changed while you were editing</h3>
      <p>
        {who.length ? `${who.join(", ")} saved` : "Someone saved"} a newer version (version {fresh.version}; you started from version {base.version}).
        Your changes were not saved yet.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">When you started</th>
            <th scope="col">Now</th>
            <th scope="col">Your edit</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((field) => (
            <tr key={field} className={changed.includes(field) ? "changed" : undefined}>
              <th scope="row">{LABELS[field]}</th>
              <td data-label="When you started">{show(base, field)}</td>
              <td data-label="Now">{show(fresh, field)}</td>
              <td data-label="Your edit">{field in draft ? display(field, draft[field]!, nameOf) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="primary" onClick={onReapply} disabled={busy}>
          Reapply my changes
        </button>
        <button type="button" onClick={onDiscard} disabled={busy}>
          Discard my changes
        </button>
      </div>
    </div>
  );
}

function display(field: EditableField, value: string, nameOf: (id: number | null) => string): string {
  switch (field) {
    case "status":
      return STATUS_LABELS[value as Status] ?? value;
    case "priority":
      return PRIORITY_LABELS[value as Priority] ?? value;
    case "assignee_id":
      return value === "" ? "Unassigned" : nameOf(Number(value));
    case "description":
      return value === "" ? "(empty)" : value.length > 80 ? value.slice(0, 80) + "…" : value;
    default:
      return value;
  }
}
