// The ticket's editable fields: those the API says the caller may change (the ticket's
// allowed_fields, brought up to date by every save's answer and every reload). And the
// conflict flow: every save carries If-Match with the version the edit started from; on
// 409 the page reloads the ticket, shows what changed meanwhile and who changed it, and
// lets the person reapply their edit on the fresh version or drop it. When the live stream
// tells of a newer version while an edit is unsaved, a notice says who changed it, and
// Reload opens the same comparison before any save.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { FormError } from "@/components/FormError";
import { checkErrors, checkWholeNumber, formErrors, type FormErrors } from "@/lib/apiErrors";
import { isConflict } from "@/lib/api/client";
import type { Priority, TicketDetail, User } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { formatNumber } from "@/lib/format";
import { keys } from "@/lib/queryKeys";
import { useLimits } from "@/lib/uiConfig";
import { useFocusInvalid } from "@/lib/useFocusInvalid";
import { useDefaultSla } from "../api/useDefaultSla";
import type { LoadedTicket } from "../api/useTicket";
import { useRefreshTicket } from "../api/useRefreshTicket";
import { updateTicket } from "../api/writes";
import { useChangedSince } from "../hooks/useChangedSince";
import { fieldValue, toUpdate, type Draft } from "../draft";
import { PRIORITY_LABELS } from "@/lib/tickets/labels";
import { canClaim, editableFields, readOnlyReason, type EditableField } from "../permissions";
import { slaWords, ticketWords } from "../words";
import { ChangedNotice } from "./ChangedNotice";
import { ClaimTicket } from "./ClaimTicket";
import { ConflictPanel } from "./ConflictPanel";
import { FieldInput } from "./FieldInput";

export function TicketEditor({ ticket, version, user }: { ticket: TicketDetail; version: number; user: User }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = useRefreshTicket(ticket.id);
  const fields = editableFields(user, ticket);
  const [draft, setDraft] = useState<Draft>({});
  // The ticket as it was when the edit started: its version goes in If-Match.
  const [start, setStart] = useState<LoadedTicket | null>(null);
  const [conflict, setConflict] = useState<LoadedTicket | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The form's own checks, made before sending (a blank title, an SLA out of range).
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusInvalid(form);
  const limits = useLimits();
  const defaults = useDefaultSla();
  const [reloading, setReloading] = useState(false);

  function finish() {
    setDraft({});
    setStart(null);
    setConflict(null);
  }

  const save = useMutation({
    mutationFn: ({ changes, from }: { changes: Draft; from: LoadedTicket }) => updateTicket(api, ticket.id, from.version, toUpdate(changes)),
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

  // Saved by someone else meanwhile: the page shows the new version, the edit stays.
  const changedBy = useChangedSince(ticket.id, start && Object.keys(draft).length ? start.version : null, save.isPending);

  async function reload() {
    if (!start) return;
    setReloading(true);
    try {
      await refresh();
    } finally {
      setReloading(false);
    }
    setConflict(start);
  }

  function change(field: EditableField, value: string) {
    const from = start ?? { ticket, version };
    const next: Draft = { ...draft, [field]: value };
    if (value === fieldValue(from.ticket, field)) delete next[field];
    setNotice(null);
    setChecked(null);
    save.reset();
    setDraft(next);
    setStart(Object.keys(next).length || conflict ? from : null);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!start || !Object.keys(draft).length || save.isPending) return;
    const { title, sla_minutes: sla } = draft;
    const found = checkErrors({
      title: title !== undefined && !title.trim() ? "Title is required" : undefined,
      sla_minutes: sla === undefined ? undefined : sla.trim() ? checkWholeNumber(sla, "SLA", slaWords(limits).range!) : "SLA is required",
    });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    if (found.summary) return;
    save.mutate({ changes: draft, from: start });
  }

  function reapply() {
    // Only what still differs from the fresh version is sent, on that version.
    const fresh: LoadedTicket = { ticket, version };
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
    setChecked(null);
    save.reset();
    setNotice("Your changes were discarded; this is the latest version.");
  }

  const shown = (field: EditableField) => (field in draft ? draft[field]! : fieldValue(ticket, field));
  const claimable = canClaim(user, ticket);
  const reason = readOnlyReason(user, ticket);
  const saveError = save.error && !isConflict(save.error) ? save.error : null;
  const shownErrors = checked ?? formErrors(saveError, ticketWords(limits));
  // A new priority brings its default SLA along, unless the SLA is changed too: say so
  // before the save, when that default is not the ticket's SLA now.
  const newPriority = draft.priority as Priority | undefined;
  const slaAfter = newPriority && draft.sla_minutes === undefined ? defaults.minutes(newPriority) : undefined;
  const priorityNote =
    newPriority && slaAfter !== undefined && slaAfter !== ticket.sla_minutes
      ? `Changing the priority resets the SLA to ${formatNumber(slaAfter)} minutes (the default for ${PRIORITY_LABELS[newPriority]}).`
      : undefined;

  return (
    <section className="editor" aria-labelledby="editor-heading">
      <h2 id="editor-heading">Details</h2>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <ClaimTicket ticket={ticket} version={version} user={user} onClaimed={() => setNotice("You claimed this ticket.")} />
      {changedBy.length > 0 && !conflict && <ChangedNotice names={changedBy} onReload={() => void reload()} busy={reloading} />}
      {conflict && (
        <ConflictPanel base={conflict.ticket} fresh={ticket} draft={draft} onReapply={reapply} onDiscard={discard} busy={save.isPending} />
      )}
      {fields.length ? (
        <form ref={form} onSubmit={submit} noValidate aria-busy={save.isPending}>
          <FormError error={shownErrors.summary ? new Error(shownErrors.summary) : null} />
          {fields.map((field) => (
            <FieldInput
              key={field}
              field={field}
              value={shown(field)}
              error={shownErrors.fields[field]}
              note={field === "priority" ? priorityNote : undefined}
              onChange={(value) => change(field, value)}
              ticket={ticket}
            />
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
