import type { Priority, Status } from "@/lib/api/types";

export const STATUS_LABELS: Record<Status, string> = {
  open: "Open",
  in_progress: "In progress",
  pending: "Pending",
  on_hold: "On hold",
  resolved: "Resolved",
  closed: "Closed",
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  urgent: "Urgent",
};

/** What each status means for the SLA clocks (a hint beside the status picker). */
export const STATUS_HINTS: Partial<Record<Status, string>> = {
  pending: "waiting on the requester: the SLA clocks pause",
  on_hold: "waiting on a third party: the SLA clocks pause",
};

// Every status and priority, in the labels' order (the API's own order).
export const STATUSES = Object.keys(STATUS_LABELS) as readonly Status[];
export const PRIORITIES = Object.keys(PRIORITY_LABELS) as readonly Priority[];
