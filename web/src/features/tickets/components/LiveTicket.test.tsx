// The ticket page follows the live stream: a change or a comment made elsewhere shows
// without a reload; under an unsaved edit, a newer version is said (who made it), the
// edit stays as typed, and Reload compares the two before anything is saved.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { liveEvent, streamTokens, stubEventSource } from "@/test/fakeEventSource";
import { ADMIN, AGENT, allowedFor, comment, entry, fakeApi, person, renderAt, REQUESTER, ticket, ticketReply, usersReply } from "@/test/helpers";
import { TicketPage } from "./TicketPage";

// The agent's ticket; then the admin moves it to "in progress" (version 2).
const v1 = ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent") });
const v2 = ticket({
  assignee_id: AGENT.id,
  allowed_fields: allowedFor("assignedAgent"),
  status: "in_progress",
  version: 2,
  timeline: [...v1.timeline, entry(ADMIN, "ticket.updated", { changes: { status: { old: "open", new: "in_progress" } }, version: 2 }, { id: 3 })],
});
const REPLY = comment(REQUESTER, "It jams on tray 2 only.", { id: 9 });

describe("the ticket page, live", () => {
  let stream: ReturnType<typeof stubEventSource>;
  beforeEach(() => {
    stream = stubEventSource();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  async function openTicket(replies: ReturnType<typeof ticketReply>[]) {
    const api = fakeApi({
      "GET /api/tickets/5": replies,
      "GET /api/users": [usersReply()],
      "POST /api/events/stream-token": streamTokens(),
      "PATCH /api/tickets/5": [{ body: { ...v2, priority: "urgent", version: 3 }, headers: { ETag: '"3"' } }],
    });
    renderAt(<TicketPage />, { user: AGENT, path: "/tickets/5", route: "/tickets/:id", live: true });
    await screen.findByLabelText("Status");
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    stream.latest().open();
    return api;
  }

  it("without an edit: shows the new version, and a new comment, with no reload and no notice", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const withReply = { ...v2, comments: [REPLY] };
    const api = await openTicket([ticketReply(v1), ticketReply(v2), ticketReply(withReply)]);
    expect(screen.getByLabelText("Status")).toHaveValue("open");

    stream.latest().send(liveEvent("ticket.updated", v2, { actor: person(ADMIN), changes: { status: { old: "open", new: "in_progress" } } }));
    await waitFor(() => expect(screen.getByLabelText("Status")).toHaveValue("in_progress"));
    const badges = screen.getByRole("heading", { level: 1 }).parentElement!;
    expect(within(badges).getByText("In progress")).toBeInTheDocument();
    expect(screen.queryByText(/since you opened it/)).toBeNull();

    // The next event, within 5 s of that read, is read 5 s after it (lib/live/invalidation.ts).
    stream.latest().send(liveEvent("comment.created", withReply, { comment: REPLY }));
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    expect(await screen.findByRole("heading", { name: "Comments (1)" })).toBeInTheDocument();
    expect(screen.getByText("It jams on tray 2 only.")).toBeInTheDocument();
    expect(api.sent("GET", "/api/tickets/5")).toHaveLength(3);
  });

  it("with an unsaved edit: says who changed the ticket, keeps the edit, and Reload compares before saving", async () => {
    const api = await openTicket([ticketReply(v1), ticketReply(v2)]);
    await userEvent.selectOptions(screen.getByLabelText("Priority"), "urgent");

    stream.latest().send(liveEvent("ticket.updated", v2, { actor: person(ADMIN), changes: { status: { old: "open", new: "in_progress" } } }));
    const notice = await screen.findByText("This ticket was changed by Ada Admin since you opened it.", { exact: false });
    expect(notice.closest("[role=status]")).toHaveClass("changed-notice");
    // Non-blocking: the page shows the new version, the edit stays, and may still be saved.
    await waitFor(() => expect(screen.getByLabelText("Status")).toHaveValue("in_progress"));
    expect(screen.getByLabelText("Priority")).toHaveValue("urgent");
    expect(screen.getByRole("button", { name: "Save changes" })).toBeEnabled();

    await userEvent.click(screen.getByRole("button", { name: "Reload" }));
    const panel = await screen.findByRole("alert", { name: "This ticket changed while you were editing" });
    expect(panel).toHaveTextContent("Ada Admin saved a newer version since you opened it.");
    expect(screen.queryByText(/since you opened it\. Your edits are kept/)).toBeNull();
    const rows = within(panel)
      .getAllByRole("row")
      .map((row) => Array.from(row.children, (cell) => cell.textContent));
    expect(rows.slice(1)).toEqual([
      ["Status", "Open", "In progress", "—"],
      ["Priority", "Medium", "Medium", "Urgent"],
    ]);

    await userEvent.click(within(panel).getByRole("button", { name: "Reapply my changes" }));
    await screen.findByText("Changes saved.");
    const [save] = api.sent("PATCH", "/api/tickets/5");
    expect(save!.headers.get("If-Match")).toBe('"2"');
    expect(save!.body).toEqual({ priority: "urgent" });
  });

  it("names anyone whose actor it does not know as someone, and each person once", async () => {
    await openTicket([ticketReply(v1), ticketReply(v2)]);
    await userEvent.selectOptions(screen.getByLabelText("Priority"), "high");
    stream.latest().send(liveEvent("ticket.updated", v2));
    expect(await screen.findByText(/^This ticket was changed by someone since you opened it\./)).toBeInTheDocument();
    stream.latest().send(liveEvent("ticket.updated", { ...v2, version: 3 }, { actor: person(ADMIN) }));
    stream.latest().send(liveEvent("ticket.updated", { ...v2, version: 4 }, { actor: person(ADMIN) }));
    expect(await screen.findByText(/^This ticket was changed by someone and Ada Admin since you opened it\./)).toBeInTheDocument();
  });

  it("says nothing under an edit for another ticket's event, or a comment on this version", async () => {
    const withReply = { ...v1, comments: [REPLY] };
    await openTicket([ticketReply(v1), ticketReply(withReply)]);
    await userEvent.selectOptions(screen.getByLabelText("Priority"), "urgent");
    stream.latest().send(liveEvent("ticket.updated", ticket({ id: 6, version: 7 }), { actor: person(ADMIN) }));
    stream.latest().send(liveEvent("comment.created", withReply, { comment: REPLY }));
    // The comment shows; the edit is still valid (the same version): nothing to say.
    expect(await screen.findByText("It jams on tray 2 only.")).toBeInTheDocument();
    expect(screen.getByLabelText("Priority")).toHaveValue("urgent");
    expect(screen.queryByText(/since you opened it/)).toBeNull();
    expect(document.querySelector(".changed-notice")).toBeNull();
  });
});
