import type { Priority, Status } from "@/lib/api/types";

export const STATUS_LABELS: Record<Status, string> = {
  open: "Open",
  in_progress: "In progress",
  resolved: "Resolved",
  closed: "Closed",
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  urgent: "Urgent",
};

// Every status and priority, in the labels' order (the API's own order).
export const STATUSES = Object.keys(STATUS_LABELS) as readonly Status[];
export const PRIORITIES = Object.keys(PRIORITY_LABELS) as readonly Priority[];
