// A history line's words, after the name of who did it: "changed status from Open to
// Pending", "paused the SLA clock: 3 h 10 min left", "added an internal note".
import { formatDateTime } from "@/lib/format";
import type { Priority, Status, TimelineEntry } from "@/lib/api/types";
import { PRIORITY_LABELS, STATUS_LABELS } from "@/lib/tickets/labels";
import { formatMinutesLeft } from "@/lib/tickets/sla";

type Change = { old: unknown; new: unknown };
type NameOf = (id: number | null) => string;

const FIELD_NAMES: Record<string, string> = {
  title: "title",
  description: "description",
  status: "status",
  priority: "priority",
  assignee_id: "assignee",
  sla_minutes: "SLA",
  due_at: "due date",
  first_response_due_at: "first reply due date",
};
// Due dates that appear or go with a pause or a resume: the sla.paused / sla.resumed line
// of the same change says it in words.
const DUE_DATES = ["due_at", "first_response_due_at"];

function value(field: string, raw: unknown, nameOf: NameOf): string {
  if (raw === null || raw === undefined || raw === "") return field === "assignee_id" ? "unassigned" : "(empty)";
  switch (field) {
    case "status":
      return STATUS_LABELS[raw as Status] ?? String(raw);
    case "priority":
      return PRIORITY_LABELS[raw as Priority] ?? String(raw);
    case "assignee_id":
      return nameOf(Number(raw));
    case "due_at":
    case "first_response_due_at":
      return formatDateTime(String(raw));
    case "sla_minutes":
      return `${String(raw)} min`;
    default:
      return `“${String(raw)}”`;
  }
}

const minutes = (raw: unknown): number | null => (typeof raw === "number" ? raw : null);

/** "3 h 10 min left (first reply: 45 min left)"; the first reply's part only while it is owed. */
function clocksLeft(meta: TimelineEntry["meta"]): string {
  const resolution = minutes(meta.resolution_minutes_left);
  const first = minutes(meta.first_response_minutes_left);
  const parts = resolution === null ? [] : [formatMinutesLeft(resolution)];
  if (first !== null) parts.push(`(first reply: ${formatMinutesLeft(first)})`);
  return parts.join(" ");
}

export function describeEntry(entry: TimelineEntry, nameOf: NameOf): string[] {
  const meta = entry.meta;
  switch (entry.action) {
    case "ticket.created":
      return [`opened the ticket (priority ${value("priority", meta.priority, nameOf)})`];
    case "comment.created":
      return [meta.internal === true ? "added an internal note" : "commented"];
    case "sla.paused": {
      const left = clocksLeft(meta);
      return [left ? `paused the SLA clock: ${left}` : "paused the SLA clock"];
    }
    case "sla.resumed": {
      const left = clocksLeft(meta);
      const due = typeof meta.due_at === "string" ? `, due ${formatDateTime(meta.due_at)}` : "";
      return [left ? `resumed the SLA clock: ${left}${due}` : `resumed the SLA clock${due}`];
    }
    case "sla.breached": {
      // By no one: the service saw a target pass.
      const target = meta.target === "first_response" ? "the first reply" : "the resolution";
      const due = typeof meta.due_at === "string" ? ` (due ${formatDateTime(meta.due_at)})` : "";
      return [`${target} target passed${due}`];
    }
    case "ticket.updated": {
      const changes = (meta.changes ?? {}) as Record<string, Change>;
      const lines = Object.entries(changes)
        .filter(([field, change]) => !(DUE_DATES.includes(field) && (change.old === null || change.new === null)))
        .map(([field, change]) => {
          const name = FIELD_NAMES[field] ?? field.replaceAll("_", " ");
          if (field === "description") return "edited the description";
          if (field === "assignee_id" && change.new === entry.actor_id) return "claimed the ticket";
          return `changed ${name} from ${value(field, change.old, nameOf)} to ${value(field, change.new, nameOf)}`;
        });
      return lines.length ? lines : ["updated the ticket"];
    }
    default:
      return [String(entry.action)];
  }
}
