import type { Priority } from "@/lib/api/types";
import { PRIORITY_LABELS } from "@/lib/tickets/labels";

export function PriorityBadge({ priority }: { priority: Priority }) {
  return <span className={`badge priority-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}
