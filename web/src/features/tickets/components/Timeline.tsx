import { formatDateTime } from "@/components/format";
import type { Priority, Status, TimelineEntry } from "@/lib/api/types";
import { useNameOf } from "@/lib/directory";
import { PRIORITY_LABELS, STATUS_LABELS } from "../labels";

type Change = { old: unknown; new: unknown };

const FIELD_NAMES: Record<string, string> = {
  title: "title",
  description: "description",
  status: "status",
  priority: "priority",
  assignee_id: "assignee",
  sla_minutes: "SLA",
  due_at: "due date",
};

/** Who changed what, oldest first. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const nameOf = useNameOf();

  function value(field: string, raw: unknown): string {
    if (raw === null || raw === undefined || raw === "") return field === "assignee_id" ? "unassigned" : "(empty)";
    switch (field) {
      case "status":
        return STATUS_LABELS[raw as Status] ?? String(raw);
      case "priority":
        return PRIORITY_LABELS[raw as Priority] ?? String(raw);
      case "assignee_id":
        return nameOf(Number(raw));
      case "due_at":
        return formatDateTime(String(raw));
      case "sla_minutes":
        return `${String(raw)} min`;
      default:
        return `“${String(raw)}”`;
    }
  }

  function describeEntry(entry: TimelineEntry): string[] {
    switch (entry.action) {
      case "ticket.created":
        return [`opened the ticket (priority ${value("priority", entry.meta.priority)})`];
      case "comment.created":
        return ["commented"];
      case "ticket.updated": {
        const changes = (entry.meta.changes ?? {}) as Record<string, Change>;
        return Object.entries(changes).map(([field, change]) => {
          const name = FIELD_NAMES[field] ?? field;
          if (field === "description") return "edited the description";
          if (field === "assignee_id" && change.new === entry.actor_id) return "claimed the ticket";
          return `changed ${name} from ${value(field, change.old)} to ${value(field, change.new)}`;
        });
      }
      default:
        return [String(entry.action)];
    }
  }

  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">History</h2>
      <ol className="timeline">
        {entries.map((entry) => (
          <li key={entry.id}>
            <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>{" "}
            <strong>{nameOf(entry.actor_id)}</strong> {describeEntry(entry).join("; ")}
          </li>
        ))}
      </ol>
    </section>
  );
}
