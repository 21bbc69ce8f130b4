// Two people, one ticket: a save from a stale version gets 409; the page shows what
// changed meanwhile and who changed it, and lets the person reapply or drop their edit.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ADMIN, AGENT, allowedFor, entry, fakeApi, renderAt, ticket, ticketReply, usersReply } from "@/test/helpers";
import { TicketPage } from "./TicketPage";

const CONFLICT = { status: 409, body: { error: { code: "OPTIMISTIC_LOCK", message: "Stale version, use latest version" } } };
// The agent's ticket, with what the API lets them change on it.
const v1 = ticket({ assignee_id: AGENT.id, allowed_fields: allowedFor("assignedAgent") });
// Meanwhile the admin moved it to "in progress": version 2, with its timeline entry.
const v2 = ticket({
  assignee_id: AGENT.id,
  allowed_fields: allowedFor("assignedAgent"),
  status: "in_progress",
  version: 2,
  timeline: [
    ...v1.timeline,
    entry(ADMIN, "ticket.updated", { changes: { status: { old: "open", new: "in_progress" } }, version: 2 }),
  ],
});
const v3 = { ...v2, priority: "urgent" as const, version: 3 };

async function editPriorityAndSave() {
  await userEvent.selectOptions(await screen.findByLabelText("Priority"), "urgent");
  await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
  return screen.findByRole("alert", { name: "This ticket changed while you were editing" });
}

describe("the conflict flow", () => {
  it("shows what changed meanwhile, then reapplies the edit on the fresh version", async () => {
    let reads = 0;
    const api = fakeApi({
      // The fresh version arrives slowly: the panel must wait for it, never compare with
      // the stale copy it has.
      "GET /api/tickets/5": async () => {
        reads += 1;
        if (reads === 1) return ticketReply(v1);
        if (reads === 2) await new Promise((resolve) => setTimeout(resolve, 200));
        return ticketReply(reads === 2 ? v2 : v3);
      },
      "GET /api/users": [usersReply()],
      "PATCH /api/tickets/5": [CONFLICT, { body: v3, headers: { ETag: '"3"' } }],
    });
    renderAt(<TicketPage />, { user: AGENT, path: "/tickets/5", route: "/tickets/:id" });

    const panel = await editPriorityAndSave();
    expect(panel).toHaveTextContent("Ada Admin saved a newer version since you opened it. Your changes were not saved yet.");
    // No version numbers in view: people know a ticket by what it says.
    expect(document.body).not.toHaveTextContent(/version \d/i);
    const rows = within(panel)
      .getAllByRole("row")
      .map((row) => Array.from(row.children, (cell) => cell.textContent));
    expect(rows).toEqual([
      ["Field", "When you started", "Now", "Your edit"],
      ["Status", "Open", "In progress", "—"],
      ["Priority", "Medium", "Medium", "Urgent"],
    ]);
    // The edit is kept on screen, and nothing else is saved until the person decides.
    expect(screen.getByLabelText("Priority")).toHaveValue("urgent");
    expect(screen.getByLabelText("Status")).toHaveValue("in_progress");
    expect(screen.getByRole("button", { name: "Save changes" })).toBeDisabled();

    await userEvent.click(within(panel).getByRole("button", { name: "Reapply my changes" }));
    await screen.findByText("Changes saved.");
    expect(screen.queryByRole("alert", { name: /changed while you were editing/ })).toBeNull();

    const [stale, fresh] = api.sent("PATCH", "/api/tickets/5");
    expect(stale!.headers.get("If-Match")).toBe('"1"');
    expect(fresh!.headers.get("If-Match")).toBe('"2"');
    expect(fresh!.body).toEqual({ priority: "urgent" });
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 }).parentElement).toHaveTextContent("Urgent"));
  });

  it("can drop the edit instead, and shows the fresh version", async () => {
    const api = fakeApi({
      "GET /api/tickets/5": [ticketReply(v1), ticketReply(v2)],
      "GET /api/users": [usersReply()],
      "PATCH /api/tickets/5": [CONFLICT],
    });
    renderAt(<TicketPage />, { user: AGENT, path: "/tickets/5", route: "/tickets/:id" });

    const panel = await editPriorityAndSave();
    await userEvent.click(within(panel).getByRole("button", { name: "Discard my changes" }));

    expect(await screen.findByText(/Your changes were discarded/)).toBeInTheDocument();
    expect(screen.getByLabelText("Priority")).toHaveValue("medium");
    expect(screen.getByLabelText("Status")).toHaveValue("in_progress");
    expect(api.sent("PATCH", "/api/tickets/5")).toHaveLength(1);
  });

  it("sends nothing when the other person already made the same change", async () => {
    const same = { ...v2, priority: "urgent" as const };
    const api = fakeApi({
      "GET /api/tickets/5": [ticketReply(v1), ticketReply(same)],
      "GET /api/users": [usersReply()],
      "PATCH /api/tickets/5": [CONFLICT],
    });
    renderAt(<TicketPage />, { user: AGENT, path: "/tickets/5", route: "/tickets/:id" });

    const panel = await editPriorityAndSave();
    await userEvent.click(within(panel).getByRole("button", { name: "Reapply my changes" }));
    expect(await screen.findByText("Your changes were already in place.")).toBeInTheDocument();
    expect(api.sent("PATCH", "/api/tickets/5")).toHaveLength(1);
  });
});
