// What the tickets feature offers the rest of the app: its pages (for app/), and a
// ticket's vocabulary (labels, badges, SLA clocks, durations in words) for other features
// listing tickets or setting SLAs (a requester reads RequesterProgress's words where
// agents read the SLA clocks). Everything else in this folder is its own.
export { FirstResponseClock } from "./components/FirstResponseClock";
export { NewTicketPage } from "./components/NewTicketPage";
export { PriorityBadge } from "./components/PriorityBadge";
export { RequesterProgress } from "./components/RequesterProgress";
export { SlaClock } from "./components/SlaClock";
export { StatusBadge } from "./components/StatusBadge";
export { TicketPage } from "./components/TicketPage";
export { PRIORITIES, PRIORITY_LABELS, STATUSES, STATUS_LABELS } from "./labels";
export { formatSpan } from "./sla";
