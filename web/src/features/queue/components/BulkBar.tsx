import { useState, type FormEvent } from "react";
import { PRIORITIES, PRIORITY_LABELS, STATUS_LABELS, STATUSES } from "@/lib/tickets/labels";
import type { Priority, Status, User } from "@/lib/api/types";
import { personName } from "@/lib/people";
import { useAssignees } from "@/lib/useAssignees";
import { bulkOffer, type BulkChange, type BulkTicket } from "../bulk";

const NOBODY = "none";

/** With tickets selected: the changes the caller may make to every one of them (their
 * allowed_fields), each sent per ticket by `onRun`. */
export function BulkBar({
  tickets,
  user,
  running,
  onRun,
  onClear,
}: {
  tickets: readonly BulkTicket[];
  user: User;
  running: boolean;
  onRun: (change: BulkChange) => void;
  onClear: () => void;
}) {
  const offer = bulkOffer(tickets, user.id);
  const assignees = useAssignees(offer.assignToAnyone);
  const [assignee, setAssignee] = useState("");
  const [status, setStatus] = useState<Status | "">("");
  const [priority, setPriority] = useState<Priority | "">("");
  const nothing = !offer.assignToMe && !offer.assignToAnyone && !offer.status && !offer.priority;

  function submit(change: BulkChange | null) {
    return (event: FormEvent) => {
      event.preventDefault();
      if (change) onRun(change);
    };
  }

  return (
    <section className="bulk-bar" aria-label="Bulk actions">
      <p className="bulk-count" aria-live="polite">
        <strong>{running ? `Updating ${tickets.length}…` : `${tickets.length} selected`}</strong>
      </p>
      <fieldset className="bulk-actions" disabled={running}>
        {offer.assignToMe && (
          <button type="button" className="primary" onClick={() => onRun({ assignee_id: user.id })}>
            Assign to me
          </button>
        )}
        {offer.assignToAnyone && (
          <form className="bulk-action" onSubmit={submit(assignee ? { assignee_id: assignee === NOBODY ? null : Number(assignee) } : null)}>
            <label htmlFor="bulk-assignee">Assign to</label>
            <select id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
              <option value="">Choose…</option>
              {assignees.data?.map((person) => (
                <option key={person.id} value={person.id}>
                  {personName(person, user)}
                </option>
              ))}
              <option value={NOBODY}>Nobody (unassigned)</option>
            </select>
            <button type="submit" disabled={!assignee}>
              Assign
            </button>
          </form>
        )}
        {offer.status && (
          <form className="bulk-action" onSubmit={submit(status ? { status } : null)}>
            <label htmlFor="bulk-status">New status</label>
            <select id="bulk-status" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
              <option value="">Choose…</option>
              {STATUSES.map((value) => (
                <option key={value} value={value}>
                  {STATUS_LABELS[value]}
                </option>
              ))}
            </select>
            <button type="submit" disabled={!status}>
              Set status
            </button>
          </form>
        )}
        {offer.priority && (
          <form className="bulk-action" onSubmit={submit(priority ? { priority } : null)}>
            <label htmlFor="bulk-priority">New priority</label>
            <select id="bulk-priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority | "")}>
              <option value="">Choose…</option>
              {PRIORITIES.map((value) => (
                <option key={value} value={value}>
                  {PRIORITY_LABELS[value]}
                </option>
              ))}
            </select>
            <button type="submit" disabled={!priority}>
              Set priority
            </button>
          </form>
        )}
        <button type="button" className="link-button" onClick={onClear}>
          Clear selection
        </button>
      </fieldset>
      {offer.claimOnly > 0 && !offer.status && (
        <p className="hint">
          {tickets.length === offer.claimOnly
            ? "Unassigned tickets: assign them to yourself first to change their status or priority."
            : "Some selected tickets are unassigned: assign them to yourself first to change more than their assignee."}
        </p>
      )}
      {nothing && <p className="hint">You cannot make one change to all of these tickets: select fewer.</p>}
    </section>
  );
}
