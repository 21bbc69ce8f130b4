// The ticket page offers each role exactly what the API lets it change (the rule in
// tickets/permissions.py, served as each ticket's allowed_fields: the fake tickets carry
// what the real service answers each role, test/apiFacts.ts), and shows the API's
// refusals beside the field they name.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { User } from "@/lib/api/types";
import { ADMIN, AGENT, allowedFor, fakeApi, OTHER_AGENT, renderAt, REQUESTER, ticket, ticketReply, usersReply } from "@/test/helpers";
import { TicketPage } from "./TicketPage";

const FIELD_LABELS = ["Title", "Description", "Status", "Priority", "Assignee", "SLA (minutes)"];

function openTicket(user: User, detail = ticket()) {
  fakeApi({ "GET /api/tickets/5": [ticketReply(detail)], "GET /api/users": [usersReply()] });
  renderAt(<TicketPage />, { user, path: "/tickets/5", route: "/tickets/:id" });
}

/** The labelled inputs of the Details form. */
async function editableLabels(): Promise<string[]> {
  const details = await screen.findByRole("region", { name: "Details" });
  return FIELD_LABELS.filter((label) => within(details).queryByLabelText(label) !== null);
}

describe("the fields a caller may change", () => {
  it("a requester edits the title and description of their own ticket, nothing else", async () => {
    openTicket(REQUESTER);
    expect(await editableLabels()).toEqual(["Title", "Description"]);
    expect(screen.queryByRole("button", { name: "Claim this ticket" })).toBeNull();
  });

  it("an agent cannot change an unassigned ticket but may claim it, with If-Match", async () => {
    const claimed = ticket({ assignee_id: AGENT.id, version: 2, allowed_fields: allowedFor("assignedAgent") });
    const api = fakeApi({
      "GET /api/tickets/5": [ticketReply(ticket({ allowed_fields: allowedFor("claimingAgent") })), ticketReply(claimed)],
      "GET /api/users": [usersReply()],
      "PATCH /api/tickets/5": [{ body: claimed, headers: { ETag: '"2"' } }],
    });
    renderAt(<TicketPage />, { user: AGENT, path: "/tickets/5", route: "/tickets/:id" });
    expect(await editableLabels()).toEqual([]);
    await userEvent.click(await screen.findByRole("button", { name: "Claim this ticket" }));
    await screen.findByText("You claimed this ticket.");
    const [claim] = api.sent("PATCH", "/api/tickets/5");
    expect(claim!.headers.get("If-Match")).toBe('"1"');
    expect(claim!.body).toEqual({ assignee_id: AGENT.id });
    // Claimed: the agent's fields, as the ticket read again allows them.
    await screen.findByLabelText("Status");
    expect(await editableLabels()).toEqual(["Status", "Priority", "Assignee"]);
    expect(screen.queryByRole("button", { name: "Claim this ticket" })).toBeNull();
  });

  it("an agent changes status, priority and assignee of a ticket assigned to them", async () => {
    openTicket(AGENT, ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent") }));
    expect(await editableLabels()).toEqual(["Status", "Priority", "Assignee"]);
    // The assignee picker offers agents and admins, not requesters.
    const options = Array.from((screen.getByLabelText("Assignee") as HTMLSelectElement).options, (o) => o.text);
    expect(options).toEqual(["Unassigned", "Ada Admin · admin", "Alan Agent (you)", "Olga Agent"]);
  });

  it("an agent only reads a ticket assigned to another agent", async () => {
    openTicket(AGENT, ticket({ assignee_id: OTHER_AGENT.id, allowed_fields: allowedFor("otherAgent") }));
    expect(await editableLabels()).toEqual([]);
    expect(screen.getByText(/assigned to someone else/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Claim this ticket" })).toBeNull();
  });

  it("an admin changes every field, the SLA included, and may claim", async () => {
    openTicket(ADMIN, ticket({ allowed_fields: allowedFor("admin") }));
    expect(await editableLabels()).toEqual(FIELD_LABELS);
    expect(screen.getByRole("button", { name: "Claim this ticket" })).toBeInTheDocument();
  });
});

describe("the workflow's statuses", () => {
  it("an agent may set a ticket pending or on hold, told that the SLA clocks pause", async () => {
    const mine = ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent") });
    const paused = { ...mine, status: "pending" as const, version: 2, due_at: null, first_response_due_at: null, sla_paused: true, sla_remaining_minutes: 190, breached: false, first_response_breached: false };
    const api = fakeApi({
      "GET /api/tickets/5": [ticketReply(mine), ticketReply(paused)],
      "GET /api/users": [usersReply()],
      "PATCH /api/tickets/5": [{ body: paused, headers: { ETag: '"2"' } }],
    });
    renderAt(<TicketPage />, { user: AGENT, path: "/tickets/5", route: "/tickets/:id" });
    const status = await screen.findByLabelText("Status");
    const options = Array.from((status as HTMLSelectElement).options, (o) => o.text);
    expect(options).toEqual(["Open", "In progress", "Pending", "On hold", "Resolved", "Closed"]);

    await userEvent.selectOptions(status, "on_hold");
    expect(screen.getByText("On hold: waiting on a third party: the SLA clocks pause.")).toBeInTheDocument();
    await userEvent.selectOptions(status, "pending");
    expect(screen.getByText("Pending: waiting on the requester: the SLA clocks pause.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await screen.findByText("Changes saved.");
    expect(api.sent("PATCH", "/api/tickets/5")[0]!.body).toEqual({ status: "pending" });

    // The page shows the clocks paused, not a due date.
    const badges = screen.getByRole("heading", { level: 1 }).parentElement!;
    expect(within(badges).getByText("Pending")).toHaveClass("status-pending");
    expect(within(badges).getByText("paused, 3 h 10 min left")).toHaveClass("sla-paused");
    expect(screen.getByText("Due").nextElementSibling).toHaveTextContent("Paused (pending or on hold)");
    expect(screen.getByText("First reply").nextElementSibling).toHaveTextContent("Paused");
  });

  it("a resolved ticket says whether it was resolved in time, and how the first reply went", async () => {
    openTicket(
      AGENT,
      ticket({
        status: "resolved",
        breached: false,
        due_at: "2026-11-25T09:00:00Z",
        resolved_at: "2026-11-24T15:00:00Z",
        first_response_due_at: "2026-11-24T13:00:00Z",
        first_responded_at: "2026-11-24T13:20:00Z",
        first_response_breached: true,
        assignee_id: AGENT.id,
        allowed_fields: allowedFor("assignedAgent"),
      }),
    );
    const badges = (await screen.findByRole("heading", { level: 1 })).parentElement!;
    expect(within(badges).getByText("resolved in time")).toHaveClass("sla-met");
    // Once sent, the first reply's clock is not in the header any more; the facts keep it.
    expect(within(badges).queryByText(/First reply/)).toBeNull();
    expect(screen.getByText("First reply").nextElementSibling).toHaveTextContent("Sent 20 min late");
    expect(screen.getByText("Resolved", { selector: "dt" })).toBeInTheDocument();
  });
});

describe("saving", () => {
  it("sends only the changed field, with If-Match, and shows a refusal under that field, in words", async () => {
    const api = fakeApi({
      "GET /api/tickets/5": [ticketReply(ticket())],
      "PATCH /api/tickets/5": [{ status: 400, body: { error: { code: "FIELD_INVALID", message: "title: must be at most 200 characters", field: "title" } } }],
    });
    renderAt(<TicketPage />, { user: REQUESTER, path: "/tickets/5", route: "/tickets/:id" });
    const title = await screen.findByLabelText("Title");
    const save = screen.getByRole("button", { name: "Save changes" });
    expect(save).toBeDisabled(); // nothing changed yet

    await userEvent.clear(title);
    await userEvent.type(title, "Printer jams badly");
    await userEvent.click(save);

    const message = await screen.findByText("Title must be at most 200 characters long");
    expect(title).toHaveAttribute("aria-invalid", "true");
    expect(title).toHaveAttribute("aria-describedby", message.id);
    const [patch] = api.sent("PATCH", "/api/tickets/5");
    expect(patch!.headers.get("If-Match")).toBe('"1"');
    expect(patch!.body).toEqual({ title: "Printer jams badly" });
  });

  it("shows a refusal that names no field above the form", async () => {
    fakeApi({
      "GET /api/tickets/5": [ticketReply(ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent") }))],
      "GET /api/users": [usersReply()],
      "PATCH /api/tickets/5": [{ status: 403, body: { error: { code: "FORBIDDEN", message: "Agents may change only tickets assigned to them, or claim one" } } }],
    });
    renderAt(<TicketPage />, { user: AGENT, path: "/tickets/5", route: "/tickets/:id" });
    await userEvent.selectOptions(await screen.findByLabelText("Status"), "resolved");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Agents may change only tickets assigned to them");
  });
});
