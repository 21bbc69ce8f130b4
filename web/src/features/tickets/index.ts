// The tickets feature's pages (for app/): a ticket, and a new one. A ticket's vocabulary
// that other features use too (labels, badges, SLA clocks, durations in words) lives in
// lib/tickets/ and components/tickets/.
import "./styles.css";
export { NewTicketPage } from "./components/NewTicketPage";
export { TicketPage } from "./components/TicketPage";
