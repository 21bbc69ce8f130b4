// One-step replies: staff who may change the status send the reply and set the status in
// one PATCH (with If-Match); when the ticket changed meanwhile, the conflict panel shows.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { TicketDetail, User } from "@/lib/api/types";
import { ADMIN, AGENT, allowedFor, comment, entry, fakeApi, renderAt, REQUESTER, ticket, ticketReply, usersReply } from "@/test/helpers";
import { TicketPage } from "./TicketPage";

const CONFLICT = { status: 409, body: { error: { code: "OPTIMISTIC_LOCK", message: "Stale version, use latest version" } } };
const mine = ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent") });
const answered = (from: TicketDetail, status: TicketDetail["status"], body: string): TicketDetail => ({
  ...from,
  status,
  version: from.version + 1,
  comments: [comment(AGENT, body, { id: 7 })],
});

function open(user: User, routes: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi({ "GET /api/users": [usersReply()], ...routes });
  renderAt(<TicketPage />, { user, path: "/tickets/5", route: "/tickets/:id" });
  return api;
}

describe("send and set the status", () => {
  it("sends the reply and the status in one PATCH, with If-Match", async () => {
    const done = answered(mine, "resolved", "Replaced the roller.");
    const api = open(AGENT, {
      "GET /api/tickets/5": [ticketReply(mine), ticketReply(done)],
      "PATCH /api/tickets/5": [{ body: done, headers: { ETag: '"2"' } }],
    });
    const then = await screen.findByLabelText("Set the ticket to");
    // Resolved first; the status the ticket has is not offered.
    expect(Array.from((then as HTMLSelectElement).options, (o) => o.text)).toEqual(["Resolved", "Pending", "On hold", "In progress", "Closed"]);
    await userEvent.type(screen.getByLabelText("Reply"), "Replaced the roller.");
    await userEvent.click(screen.getByRole("button", { name: "Send and set to Resolved" }));

    expect(await screen.findByText("Sent. The ticket is now Resolved.")).toBeInTheDocument();
    const [patch] = api.sent("PATCH", "/api/tickets/5");
    expect(patch!.headers.get("If-Match")).toBe('"1"');
    expect(patch!.body).toEqual({ status: "resolved", comment: { body: "Replaced the roller.", internal: false } });
    expect(api.sent("POST", "/api/tickets/5/comments")).toHaveLength(0);
    expect(screen.getByLabelText("Reply")).toHaveValue("");
  });

  it("another status, from the list; an internal note too", async () => {
    const api = open(AGENT, {
      "GET /api/tickets/5": [ticketReply(mine)],
      "PATCH /api/tickets/5": [{ body: { ...mine, status: "on_hold", version: 2 } }],
    });
    await userEvent.selectOptions(await screen.findByLabelText("Set the ticket to"), "on_hold");
    await userEvent.click(screen.getByRole("radio", { name: "Internal note" }));
    await userEvent.type(screen.getByLabelText("Note"), "Waiting for the vendor.");
    await userEvent.click(screen.getByRole("button", { name: "Add note and set to On hold" }));
    await waitFor(() => expect(api.sent("PATCH", "/api/tickets/5")).toHaveLength(1));
    expect(api.sent("PATCH", "/api/tickets/5")[0]!.body).toEqual({ status: "on_hold", comment: { body: "Waiting for the vendor.", internal: true } });
  });

  it("on 409 shows what changed meanwhile; reapplying sends again on the fresh version", async () => {
    const meanwhile: TicketDetail = {
      ...mine,
      priority: "high",
      version: 2,
      timeline: [...mine.timeline, entry(ADMIN, "ticket.updated", { changes: { priority: { old: "medium", new: "high" } }, version: 2 })],
    };
    const done = answered(meanwhile, "resolved", "Fixed.");
    const api = open(AGENT, {
      "GET /api/tickets/5": [ticketReply(mine), ticketReply(meanwhile), ticketReply(done)],
      "PATCH /api/tickets/5": [CONFLICT, { body: done }],
    });
    await userEvent.type(await screen.findByLabelText("Reply"), "Fixed.");
    await userEvent.click(screen.getByRole("button", { name: "Send and set to Resolved" }));
    const panel = await screen.findByRole("alert", { name: "This ticket changed while you were editing" });
    expect(panel).toHaveTextContent("Ada Admin saved a newer version since you opened it.");
    expect(panel).toHaveTextContent("Your reply was not sent either: it is still in the box below.");
    expect(screen.getByLabelText("Reply")).toHaveValue("Fixed.");

    await userEvent.click(within(panel).getByRole("button", { name: "Reapply my changes" }));
    expect(await screen.findByText("Sent. The ticket is now Resolved.")).toBeInTheDocument();
    const [stale, fresh] = api.sent("PATCH", "/api/tickets/5");
    expect(stale!.headers.get("If-Match")).toBe('"1"');
    expect(fresh!.headers.get("If-Match")).toBe('"2"');
    expect(fresh!.body).toEqual({ status: "resolved", comment: { body: "Fixed.", internal: false } });
  });

  it("an empty reply is not sent", async () => {
    const api = open(AGENT, { "GET /api/tickets/5": [ticketReply(mine)] });
    await userEvent.click(await screen.findByRole("button", { name: "Send and set to Resolved" }));
    expect(screen.getByText("Reply is required")).toBeInTheDocument();
    expect(screen.getByLabelText("Reply")).toHaveFocus();
    await userEvent.click(screen.getByRole("button", { name: "Send reply" }));
    expect(api.sent("PATCH", "/api/tickets/5")).toHaveLength(0);
  });

  it("is not offered to whoever may not change the status", async () => {
    open(REQUESTER, { "GET /api/tickets/5": [ticketReply(ticket())] });
    await screen.findByLabelText("Reply");
    expect(screen.queryByLabelText("Set the ticket to")).toBeNull();
    expect(screen.queryByRole("button", { name: /and set to/ })).toBeNull();
  });
});
