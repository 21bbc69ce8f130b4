import type { ReactNode } from "react";
import type { Priority, Status, TicketDetail } from "@/lib/api/types";
import { personName } from "@/lib/people";
import { useUser } from "@/lib/session/useSession";
import { useAssignees } from "@/lib/useAssignees";
import { ALL_FIELDS, changedFields, FIELD_LABELS, fieldValue, type Draft } from "../draft";
import { PRIORITY_LABELS, STATUS_LABELS } from "@/lib/tickets/labels";
import { namesOn } from "../people";
import type { EditableField } from "../permissions";

/** After a 409: what changed between the version the edit started from and the fresh one,
 * who changed it, the person's own edit, and the two ways out. */
export function ConflictPanel({
  base,
  fresh,
  draft,
  onReapply,
  onDiscard,
  busy,
  children,
}: {
  base: TicketDetail;
  fresh: TicketDetail;
  draft: Draft;
  onReapply: () => void;
  onDiscard: () => void;
  busy: boolean;
  /** What else the person should know (a reply kept in its box). */
  children?: ReactNode;
}) {
  const user = useUser();
  // A draft's assignee was picked from the assignee picker, whose list is read by then.
  const picked = useAssignees(false).data;
  const nameOf = namesOn([base, fresh], user, picked);
  const changed = changedFields(base, fresh);
  const mine = Object.keys(draft) as EditableField[];
  const rows = ALL_FIELDS.filter((f) => changed.includes(f) || mine.includes(f));
  const who = [
    ...new Set(
      fresh.timeline
        .filter((entry) => entry.action === "ticket.updated" && entry.actor && Number(entry.meta.version) > base.version)
        .map((entry) => personName(entry.actor!, user)),
    ),
  ];
  const show = (ticket: TicketDetail, field: EditableField) => display(field, fieldValue(ticket, field), nameOf);

  return (
    <div className="conflict" role="alert" aria-labelledby="conflict-heading">
      <h3 id="conflict-heading">This ticket changed while you were editing</h3>
      <p>
        {who.length ? `${who.join(", ")} saved` : "Someone saved"} a newer version since you opened it. Your changes were not saved yet.
      </p>
      {children}
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
              <th scope="row">{FIELD_LABELS[field]}</th>
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

/** A field's value as the panel shows it: labels, names, a long description cut short. */
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
