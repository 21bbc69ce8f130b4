import type { Status } from "@/lib/api/types";
import { STATUS_LABELS } from "@/lib/tickets/labels";

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge status-${status}`}>{STATUS_LABELS[status]}</span>;
}
