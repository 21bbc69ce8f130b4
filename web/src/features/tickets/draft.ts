// An edit of a ticket as the form holds it: the changed fields, as text.
import type { TicketDetail, TicketUpdate } from "@/lib/api/types";
import type { EditableField } from "./permissions";

export type Draft = Partial<Record<EditableField, string>>;

export const FIELD_LABELS: Record<EditableField, string> = {
  title: "Title",
  description: "Description",
  status: "Status",
  priority: "Priority",
  assignee_id: "Assignee",
  sla_minutes: "SLA (minutes)",
};
export const ALL_FIELDS = Object.keys(FIELD_LABELS) as EditableField[];

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

/** What changed between the version the edit started from and the fresh one. */
export function changedFields(base: TicketDetail, fresh: TicketDetail): EditableField[] {
  return ALL_FIELDS.filter((field) => fieldValue(base, field) !== fieldValue(fresh, field));
}
