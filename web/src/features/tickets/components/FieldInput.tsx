import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import type { Status, TicketDetail } from "@/lib/api/types";
import { useUser } from "@/lib/session/useSession";
import { useAssignees } from "@/lib/useAssignees";
import { useLimits } from "@/lib/uiConfig";
import { FIELD_LABELS } from "../draft";
import { PRIORITY_LABELS, STATUS_HINTS, STATUS_LABELS } from "@/lib/tickets/labels";
import { assigneeLabel, namesOn } from "../people";
import type { EditableField } from "../permissions";

// The fields chosen from a list: their values and labels, in the API's order.
const CHOICES = { status: STATUS_LABELS, priority: PRIORITY_LABELS };

/** One editable field of the ticket, with its label, what a change of it will do (`note`)
 * and the refusal of it, in words. */
export function FieldInput({
  field,
  value,
  error,
  note,
  onChange,
  ticket,
}: {
  field: EditableField;
  value: string;
  error: string | undefined;
  note?: string | undefined;
  onChange: (value: string) => void;
  ticket: TicketDetail;
}) {
  const user = useUser();
  const assignees = useAssignees(field === "assignee_id");
  const assignable = assignees.data ?? [];
  const nameOf = namesOn([ticket], user);
  const limits = useLimits();
  const id = `edit-${field}`;
  const props = describe(id, error);
  let input;
  switch (field) {
    case "description":
      input = <textarea {...props} rows={5} value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case "status":
    case "priority":
      input = (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
          {Object.entries(CHOICES[field]).map(([choice, label]) => (
            <option key={choice} value={choice}>
              {label}
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
              {assigneeLabel(u, user)}
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
      input = <input {...props} required maxLength={limits?.title_max_length} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className="field">
      <label htmlFor={id}>{FIELD_LABELS[field]}</label>
      {input}
      {field === "sla_minutes" && <p className="hint">The resolution target (now {ticket.sla_minutes}): a change moves the due date by the difference.</p>}
      {field === "status" && STATUS_HINTS[value as Status] && <p className="hint">{STATUS_LABELS[value as Status]}: {STATUS_HINTS[value as Status]}.</p>}
      {note && (
        <p className="hint warning" role="status">
          {note}
        </p>
      )}
      <FieldError id={id} message={error} />
    </div>
  );
}
