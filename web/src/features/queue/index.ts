// The queue feature's pages: the agents' queue and breached view, a requester's own list.
export { MyTicketsPage } from "./components/MyTicketsPage";
export { QueuePage } from "./components/QueuePage";
