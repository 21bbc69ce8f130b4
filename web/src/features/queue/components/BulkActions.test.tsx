// Bulk changes from the queue: a checkbox per ticket the caller may change, the actions
// every selected ticket allows (allowed_fields), one PATCH per ticket with its own
// If-Match, and a summary naming the tickets changed meanwhile.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Ticket } from "@/lib/api/types";
import { ADMIN, AGENT, allowedFor, item, OTHER_AGENT, page, renderAt, usersReply, type Recorded } from "@/test/helpers";
import { queueApi } from "../testing";
import { QueuePage } from "./QueuePage";

const unassigned = item({ id: 21, title: "Toner low", assignee_id: null, allowed_fields: allowedFor("claimingAgent"), version: 3 });
const mine = item({ id: 22, title: "Laptop slow", assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent"), version: 5 });
const theirs = item({ id: 23, title: "Desk phone dead", assignee_id: OTHER_AGENT.id, allowed_fields: allowedFor("otherAgent"), version: 2 });

const row = (title: string) => screen.getByRole("link", { name: title }).closest("tr")!;
const boxOf = (title: string) => within(row(title)).getByRole("checkbox");
const bar = () => screen.getByRole("region", { name: "Bulk actions" });

/** PATCH /api/tickets/{id}: the version the test's server holds for each ticket. */
function patches(versions: Record<number, number>) {
  return (request: Recorded) => {
    const id = Number(request.path.split("/").at(-1));
    if (request.headers.get("if-match") !== `"${versions[id]}"`) {
      return { status: 409, body: { error: { code: "OPTIMISTIC_LOCK", message: "The ticket changed since you loaded it" } } };
    }
    return { body: { ...item({ id }), version: versions[id]! + 1 } };
  };
}

describe("bulk changes in the queue", () => {
  it("lets an agent claim unassigned tickets along with their own, but not change others' tickets", async () => {
    const api = queueApi({ "GET /api/tickets": [page([unassigned, mine, theirs])], "PATCH /api/tickets/21": patches({ 21: 3 }) });
    renderAt(<QueuePage view="queue" />, { user: AGENT, path: "/queue" });
    await screen.findByRole("link", { name: "Toner low" });
    expect(boxOf("Desk phone dead")).toBeDisabled();
    expect(screen.queryByRole("region", { name: "Bulk actions" })).toBeNull();

    await userEvent.click(screen.getByRole("checkbox", { name: "Select all on this page" }));
    expect(boxOf("Toner low")).toBeChecked();
    expect(boxOf("Laptop slow")).toBeChecked();
    expect(boxOf("Desk phone dead")).not.toBeChecked();
    expect(within(bar()).getByText("2 selected")).toBeInTheDocument();
    // An unassigned ticket is only theirs to claim: no status, priority or other assignee.
    expect(within(bar()).queryByLabelText("New status")).toBeNull();
    expect(within(bar()).queryByLabelText("New priority")).toBeNull();
    expect(within(bar()).queryByLabelText("Assign to")).toBeNull();
    expect(within(bar()).getByText(/assign them to yourself first/)).toBeInTheDocument();

    await userEvent.click(within(bar()).getByRole("button", { name: "Assign to me" }));
    expect(await screen.findByText("1 updated, 1 already assigned to you.")).toBeInTheDocument();
    // Only the unassigned one was sent, with the version the list showed.
    const sent = api.sent("PATCH", "/api/tickets/21");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.get("if-match")).toBe('"3"');
    expect(sent[0]!.body).toEqual({ assignee_id: AGENT.id });
    expect(api.sent("PATCH", "/api/tickets/22")).toHaveLength(0);
  });

  it("offers an agent's own tickets everything: status, priority, another assignee", async () => {
    const other = item({ id: 24, title: "Mail bounces", assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent"), version: 1 });
    const api = queueApi({
      "GET /api/tickets": [page([mine, other])],
      "PATCH /api/tickets/22": patches({ 22: 5 }),
      "PATCH /api/tickets/24": patches({ 24: 1 }),
    });
    renderAt(<QueuePage view="queue" />, { user: AGENT, path: "/queue" });
    await screen.findByRole("link", { name: "Laptop slow" });
    await userEvent.click(boxOf("Laptop slow"));
    await userEvent.click(boxOf("Mail bounces"));
    // Both are theirs already: nothing to claim.
    expect(within(bar()).queryByRole("button", { name: "Assign to me" })).toBeNull();
    await userEvent.selectOptions(within(bar()).getByLabelText("New priority"), "High");
    await userEvent.click(within(bar()).getByRole("button", { name: "Set priority" }));
    expect(await screen.findByText("2 updated.")).toBeInTheDocument();
    expect(api.sent("PATCH", "/api/tickets/22")[0]!.body).toEqual({ priority: "high" });
    expect(api.sent("PATCH", "/api/tickets/24")[0]!.headers.get("if-match")).toBe('"1"');
    // Done: nothing stays selected.
    expect(screen.queryByRole("region", { name: "Bulk actions" })).toBeNull();
  });

  it("sends each ticket with its own version and names the ones changed meanwhile; they stay selected", async () => {
    const admin = (t: Ticket) => ({ ...t, allowed_fields: allowedFor("admin") });
    const tickets = [admin(unassigned), admin(mine), admin(theirs)];
    const api = queueApi({
      "GET /api/tickets": [page(tickets)],
      // #22 was changed by someone else since the list was read: the service holds 6.
      "PATCH /api/tickets/21": patches({ 21: 3 }),
      "PATCH /api/tickets/22": patches({ 22: 6 }),
      "PATCH /api/tickets/23": patches({ 23: 2 }),
    });
    renderAt(<QueuePage view="queue" />, { user: ADMIN, path: "/queue" });
    await screen.findByRole("link", { name: "Toner low" });
    await userEvent.click(screen.getByRole("checkbox", { name: "Select all on this page" }));
    expect(within(bar()).getByText("3 selected")).toBeInTheDocument();
    const reads = api.sent("GET", "/api/tickets").length;

    await userEvent.selectOptions(within(bar()).getByLabelText("New status"), "Resolved");
    await userEvent.click(within(bar()).getByRole("button", { name: "Set status" }));
    expect(await screen.findByText("2 updated, 1 changed by someone else since you loaded it (ticket #22): reload to see it.")).toBeInTheDocument();
    expect(api.sent("PATCH", "/api/tickets/21")[0]!.headers.get("if-match")).toBe('"3"');
    expect(api.sent("PATCH", "/api/tickets/22")[0]!.headers.get("if-match")).toBe('"5"');
    expect(api.sent("PATCH", "/api/tickets/23")[0]!.headers.get("if-match")).toBe('"2"');
    for (const id of [21, 22, 23]) expect(api.sent("PATCH", `/api/tickets/${id}`)[0]!.body).toEqual({ status: "resolved" });
    // The list is read again; the ticket changed meanwhile stays ticked, to try again.
    await waitFor(() => expect(api.sent("GET", "/api/tickets").length).toBeGreaterThan(reads));
    expect(boxOf("Laptop slow")).toBeChecked();
    expect(boxOf("Toner low")).not.toBeChecked();
    expect(within(bar()).getByText("1 selected")).toBeInTheDocument();
  });

  it("assigns to someone picked from the active agents and admins", async () => {
    const admin = (t: Ticket) => ({ ...t, allowed_fields: allowedFor("admin") });
    const api = queueApi({
      "GET /api/tickets": [page([admin(unassigned), admin(mine)])],
      "GET /api/users": [usersReply()],
      "PATCH /api/tickets/21": patches({ 21: 3 }),
      "PATCH /api/tickets/22": patches({ 22: 5 }),
    });
    renderAt(<QueuePage view="queue" />, { user: ADMIN, path: "/queue" });
    await screen.findByRole("link", { name: "Toner low" });
    await userEvent.click(screen.getByRole("checkbox", { name: "Select all on this page" }));
    const picker = within(bar()).getByLabelText("Assign to");
    await waitFor(() => expect(within(picker).getByRole("option", { name: "Olga Agent" })).toBeInTheDocument());
    const asked = api.sent("GET", "/api/users").filter((r) => r.query.has("role"));
    expect(asked.map((r) => [r.query.get("role"), r.query.get("active")]).sort()).toEqual([
      ["admin", "true"],
      ["agent", "true"],
    ]);
    // Staff only (the fake answers everyone to every role: the picker keeps the asked roles).
    expect(within(picker).queryByRole("option", { name: "Uma User" })).toBeNull();
    await userEvent.selectOptions(picker, "Olga Agent");
    await userEvent.click(within(bar()).getByRole("button", { name: "Assign" }));
    expect(await screen.findByText("2 updated.")).toBeInTheDocument();
    expect(api.sent("PATCH", "/api/tickets/21")[0]!.body).toEqual({ assignee_id: OTHER_AGENT.id });
  });
});
