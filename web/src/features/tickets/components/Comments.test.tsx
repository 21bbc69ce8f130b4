// The reply box: agents and admins reply to the requester or write an internal note (the
// API never sends notes to a requester); every comment and history line says who.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { TicketDetail, User } from "@/lib/api/types";
import { ADMIN, AGENT, allowedFor, comment, entry, fakeApi, renderAt, REQUESTER, ticket, ticketReply, usersReply } from "@/test/helpers";
import { TicketPage } from "./TicketPage";

const reply = comment(AGENT, "Please try the other tray.", { id: 1 });
const note = comment(AGENT, "Roller is worn, ordering a new one.", { id: 2, internal: true, created_at: "2026-11-24T09:40:00Z" });
const answer = comment(REQUESTER, "Same with the other tray.", { id: 3, created_at: "2026-11-24T09:50:00Z" });

function open(user: User, detail: TicketDetail, routes: Parameters<typeof fakeApi>[0] = {}) {
  const api = fakeApi({ "GET /api/tickets/5": [ticketReply(detail)], "GET /api/users": [usersReply()], ...routes });
  renderAt(<TicketPage />, { user, path: "/tickets/5", route: "/tickets/:id" });
  return api;
}

const created = { status: 201, body: comment(AGENT, "x", { id: 9 }) };

describe("the reply box", () => {
  it("offers agents a reply to the requester or an internal note, and sends which one it is", async () => {
    const api = open(AGENT, ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent") }), { "POST /api/tickets/5/comments": [created] });
    const publicReply = await screen.findByRole("radio", { name: "Reply to requester" });
    expect(publicReply).toBeChecked();
    await userEvent.type(screen.getByLabelText("Reply"), "We are on it.");
    await userEvent.click(screen.getByRole("button", { name: "Send reply" }));
    await waitFor(() => expect(api.sent("POST", "/api/tickets/5/comments")).toHaveLength(1));
    expect(api.sent("POST", "/api/tickets/5/comments")[0]!.body).toEqual({ body: "We are on it.", internal: false });

    await userEvent.click(screen.getByRole("radio", { name: "Internal note" }));
    const box = screen.getByLabelText("Note");
    expect(box.closest("form")).toHaveClass("note");
    expect(screen.getByText(/Only agents and admins see internal notes/)).toBeInTheDocument();
    await userEvent.type(box, "Call the vendor.");
    await userEvent.click(screen.getByRole("button", { name: "Add internal note" }));
    await waitFor(() => expect(api.sent("POST", "/api/tickets/5/comments")).toHaveLength(2));
    expect(api.sent("POST", "/api/tickets/5/comments")[1]!.body).toEqual({ body: "Call the vendor.", internal: true });
  });

  it("offers a requester a reply only, sent as public", async () => {
    const api = open(REQUESTER, ticket(), { "POST /api/tickets/5/comments": [created] });
    await userEvent.type(await screen.findByLabelText("Reply"), "Still jams.");
    expect(screen.queryByRole("radio")).toBeNull();
    expect(screen.queryByText(/Internal note/)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Send reply" }));
    await waitFor(() => expect(api.sent("POST", "/api/tickets/5/comments")).toHaveLength(1));
    expect(api.sent("POST", "/api/tickets/5/comments")[0]!.body).toEqual({ body: "Still jams.", internal: false });
  });

  it("a note being written stays a note after a reload", async () => {
    sessionStorage.setItem("helpdesk.reply.5", "Half-written note");
    sessionStorage.setItem("helpdesk.reply.5.kind", "internal");
    open(AGENT, ticket({ allowed_fields: allowedFor("claimingAgent") }));
    expect(await screen.findByRole("radio", { name: "Internal note" })).toBeChecked();
    expect(screen.getByLabelText("Note")).toHaveValue("Half-written note");
  });

  it("shows the API's refusal of an internal note", async () => {
    open(AGENT, ticket(), {
      "POST /api/tickets/5/comments": [
        { status: 403, body: { error: { code: "FORBIDDEN", message: "Only agents and admins may write internal notes", field: "internal" } } },
      ],
    });
    await userEvent.click(await screen.findByRole("radio", { name: "Internal note" }));
    await userEvent.type(screen.getByLabelText("Note"), "x");
    await userEvent.click(screen.getByRole("button", { name: "Add internal note" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Only agents and admins may write internal notes");
  });
});

describe("the thread", () => {
  it("marks internal notes in words, not colour alone, and names every author with their role", async () => {
    open(ADMIN, ticket({ comments: [reply, note, answer], allowed_fields: allowedFor("admin") }));
    const items = within(await screen.findByRole("region", { name: /Comments/ })).getAllByRole("listitem");
    expect(items).toHaveLength(3);
    expect(items[0]).not.toHaveClass("internal");
    expect(items[0]).toHaveTextContent("Alan Agent (agent)");
    expect(items[1]).toHaveClass("internal");
    expect(items[1]).toHaveTextContent("Internal note · not shown to the requester");
    expect(items[1]).toHaveTextContent("Roller is worn");
    expect(items[2]).toHaveTextContent("Uma User (requester)");
    expect(screen.getByRole("heading", { name: /Comments \(3\)/ })).toHaveTextContent("including 1 internal note");
  });

  it("calls the reader “you”, and to a requester the support team is the support team", async () => {
    open(REQUESTER, ticket({ comments: [reply, answer], assignee_id: AGENT.id }));
    const region = await screen.findByRole("region", { name: /Comments/ });
    // The requester cannot list users: the assignee's name comes from the ticket itself.
    expect(screen.getByText("Assignee").nextElementSibling).toHaveTextContent("Alan Agent");
    const items = within(region).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("Alan Agent (support team)");
    expect(items[1]).toHaveTextContent("Uma User (you)");
    expect(items[1]).not.toHaveTextContent("requester");
  });
});

describe("the history", () => {
  it("names who did what, and says pauses and resumes in words", async () => {
    const timeline = [
      entry(REQUESTER, "ticket.created", { priority: "medium" }, { id: 1 }),
      entry(AGENT, "comment.created", { internal: true, comment_id: 2 }, { id: 2 }),
      entry(ADMIN, "ticket.updated", {
        changes: {
          status: { old: "open", new: "pending" },
          due_at: { old: "2026-11-25T09:00:00Z", new: null },
          first_response_due_at: { old: "2026-11-24T13:00:00Z", new: null },
        },
        version: 2,
      }, { id: 3 }),
      entry(ADMIN, "sla.paused", { resolution_minutes_left: 190, first_response_minutes_left: 45 }, { id: 4 }),
      entry(REQUESTER, "comment.created", { internal: false, comment_id: 3 }, { id: 5 }),
      entry(REQUESTER, "sla.resumed", { resolution_minutes_left: -25, first_response_minutes_left: null, due_at: "2026-11-24T09:35:00Z" }, { id: 6 }),
      // By no one: the service saw the target pass.
      entry(ADMIN, "sla.breached", { target: "resolution", due_at: "2026-11-24T09:35:00Z" }, { id: 7, actor: null, actor_id: null }),
    ];
    open(ADMIN, ticket({ timeline, allowed_fields: allowedFor("admin") }));
    const history = await screen.findByRole("region", { name: "History" });
    const lines = within(history)
      .getAllByRole("listitem")
      .map((li) => li.textContent!.replace(li.querySelector("time")!.textContent!, "").trim());
    expect(lines).toEqual([
      "Uma User (requester) opened the ticket (priority Medium)",
      "Alan Agent (agent) added an internal note",
      "Ada Admin (you) changed status from Open to Pending",
      "Ada Admin (you) paused the SLA clock: 3 h 10 min left (first reply: 45 min left)",
      "Uma User (requester) commented",
      expect.stringMatching(/^Uma User \(requester\) resumed the SLA clock: 25 min overdue, due /),
      expect.stringMatching(/^The resolution target passed \(due .+\)$/),
    ]);
  });
});
