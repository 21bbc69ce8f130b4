// The ticket page in the reader's words: a requester reads where the ticket stands, not
// the SLA countdown; no version numbers anywhere; a change of priority says beforehand
// what it does to the SLA; links in the text are links.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { TicketDetail, User } from "@/lib/api/types";
import { ADMIN, AGENT, allowedFor, comment, fakeApi, renderAt, REQUESTER, ticket, ticketReply, usersReply } from "@/test/helpers";
import { TicketPage } from "./TicketPage";

const POLICIES = [
  { priority: "urgent", first_response_minutes: 15, resolution_minutes: 60, business_hours: false },
  { priority: "high", first_response_minutes: 60, resolution_minutes: 240, business_hours: false },
  { priority: "medium", first_response_minutes: 240, resolution_minutes: 1440, business_hours: false },
  { priority: "low", first_response_minutes: 480, resolution_minutes: 4320, business_hours: false },
];

function open(user: User, detail: TicketDetail) {
  fakeApi({ "GET /api/tickets/5": [ticketReply(detail)], "GET /api/users": [usersReply()], "GET /api/sla-policies": [{ body: POLICIES }] });
  renderAt(<TicketPage />, { user, path: "/tickets/5", route: "/tickets/:id" });
}

const badges = async () => (await screen.findByRole("heading", { level: 1 })).parentElement!;

describe("what a requester reads", () => {
  it.each([
    ["open", { status: "open" as const }, "We'll get back to you soon."],
    ["answered", { status: "in_progress" as const, first_responded_at: "2026-11-24T10:00:00Z" }, "We're working on it and will get back to you."],
    ["pending", { status: "pending" as const, sla_paused: true, due_at: null }, "We're waiting for your reply."],
    ["resolved", { status: "resolved" as const, resolved_at: "2026-11-24T15:00:00Z" }, "We think this is solved. If it isn't, reply and it opens again."],
  ])("%s: “%s”, and no SLA clock", async (_status, fields, words) => {
    open(REQUESTER, ticket(fields));
    const head = await badges();
    expect(head).toHaveTextContent(words);
    expect(head).not.toHaveTextContent(/due in|overdue|paused|First reply/);
    expect(screen.queryByText("Due", { selector: "dt" })).toBeNull();
    expect(screen.queryByText("First reply", { selector: "dt" })).toBeNull();
  });

  it("agents still read the clocks; nobody reads a version number", async () => {
    open(AGENT, ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent"), version: 7 }));
    expect(await badges()).toHaveTextContent(/overdue by/);
    expect(screen.getByText("Due", { selector: "dt" })).toBeInTheDocument();
    expect(screen.queryByText("Version")).toBeNull();
    expect(document.body).not.toHaveTextContent(/version/i);
  });
});

describe("a change of priority", () => {
  it("says beforehand that the SLA goes back to the new priority's default", async () => {
    open(AGENT, ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent"), sla_minutes: 1440 }));
    const priority = await screen.findByLabelText("Priority");
    await screen.findByRole("option", { name: "Ada Admin · admin" }); // the assignees are in
    await userEvent.selectOptions(priority, "high");
    expect(await screen.findByText("Changing the priority resets the SLA to 240 minutes (the default for High).")).toBeInTheDocument();
    // Back to a priority whose default is the SLA now: nothing to say.
    await userEvent.selectOptions(priority, "medium");
    expect(screen.queryByText(/resets the SLA/)).toBeNull();
  });

  it("says nothing when the SLA is changed in the same edit (it wins), or already is the default", async () => {
    open(ADMIN, ticket({ allowed_fields: allowedFor("admin"), sla_minutes: 240 }));
    await userEvent.selectOptions(await screen.findByLabelText("Priority"), "high");
    expect(screen.queryByText(/resets the SLA/)).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText("Priority"), "low");
    expect(await screen.findByText("Changing the priority resets the SLA to 4,320 minutes (the default for Low).")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("SLA (minutes)"), "0");
    expect(screen.queryByText(/resets the SLA/)).toBeNull();
  });

  it("checks the SLA and the title before saving, in words", async () => {
    open(ADMIN, ticket({ allowed_fields: allowedFor("admin") }));
    const sla = await screen.findByLabelText("SLA (minutes)");
    await userEvent.clear(sla);
    await userEvent.type(sla, "600000");
    await userEvent.clear(screen.getByLabelText("Title"));
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(screen.getByText("Title is required")).toBeInTheDocument();
    expect(screen.getByText("SLA must be between 0 and 525,600 minutes")).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveFocus();
  });
});

describe("links in the text", () => {
  it("only http(s) addresses, in the description and the comments", async () => {
    open(
      REQUESTER,
      ticket({
        description: "Status page: https://status.example.com/printers",
        comments: [comment(AGENT, "Try javascript:alert(document.cookie) or http://kb.example/roller.", { id: 1 })],
      }),
    );
    const description = await screen.findByText(/Status page:/, { selector: "p" });
    expect(within(description).getByRole("link", { name: "https://status.example.com/printers" })).toHaveAttribute("rel", "noopener noreferrer");
    const thread = screen.getByRole("region", { name: /Comments/ });
    expect(within(thread).getAllByRole("link").map((a) => a.getAttribute("href"))).toEqual(["http://kb.example/roller"]);
    expect(thread).toHaveTextContent("Try javascript:alert(document.cookie) or");
  });
});
