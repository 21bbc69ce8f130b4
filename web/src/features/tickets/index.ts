// What the tickets feature offers the rest of the app: its pages (for app/), and a
// ticket's vocabulary (labels, badges, SLA clock) for other features listing tickets.
// Everything else in this folder is its own.
export { NewTicketPage } from "./components/NewTicketPage";
export { PriorityBadge } from "./components/PriorityBadge";
export { SlaClock } from "./components/SlaClock";
export { StatusBadge } from "./components/StatusBadge";
export { TicketPage } from "./components/TicketPage";
export { STATUSES, STATUS_LABELS } from "./labels";
