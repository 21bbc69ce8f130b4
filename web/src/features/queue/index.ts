// The queue feature's pages: the agents' queue and breached view, a requester's own list.
import "./styles.css";
export { MyTicketsPage } from "./components/MyTicketsPage";
export { QueuePage } from "./components/QueuePage";
