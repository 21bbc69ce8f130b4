// The queue: its filters are the list API's (kept in the URL), paused tickets are part of
// the work to do, and the SLA column shows the first reply's clock until it is met.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Ticket } from "@/lib/api/types";
import { AGENT, fakeApi, renderAt, REQUESTER, ticket, usersReply } from "@/test/helpers";
import { MyTicketsPage } from "./MyTicketsPage";
import { QueuePage } from "./QueuePage";

const NOW = Date.parse("2026-11-24T10:00:00Z");
// Half a minute's slack: the tests' clock runs on while they run.
const inMinutes = (minutes: number) => new Date(NOW + (minutes + 0.5) * 60_000).toISOString();

/** A list item as the API sends it (no comments or timeline). */
function item(fields: Partial<Ticket>): Ticket {
  const { comments: _c, timeline: _t, ...rest } = ticket({ breached: false, first_response_breached: false, ...fields });
  return rest;
}

const fresh = item({ id: 11, title: "Mouse double-clicks", due_at: inMinutes(240), first_response_due_at: inMinutes(12) });
const answered = item({ id: 12, title: "Screen flickers", status: "in_progress", due_at: inMinutes(90), first_response_due_at: inMinutes(-30), first_responded_at: inMinutes(-40) });
const late = item({ id: 13, title: "No sound", due_at: inMinutes(30), first_response_due_at: inMinutes(-6), first_response_breached: true });
const paused = item({ id: 14, title: "Badge lost", status: "pending", due_at: null, first_response_due_at: null, sla_paused: true, sla_remaining_minutes: 190 });
const resolved = item({ id: 15, title: "Wifi slow", status: "resolved", due_at: inMinutes(-60), resolved_at: inMinutes(-180), first_responded_at: inMinutes(-200) });

const page = (items: Ticket[]) => ({ body: { items, next_offset: null } });

/** The SLA cell of the row for `title`. */
function slaOf(title: string): HTMLElement {
  const row = screen.getByRole("link", { name: title }).closest("tr")!;
  return within(row).getAllByRole("cell").at(-1)!;
}

describe("the queue", () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens on the work not done yet, paused tickets included; Pending and On hold are filters", async () => {
    const api = fakeApi({ "GET /api/tickets": [page([fresh, answered, late, paused, resolved])], "GET /api/users": [usersReply()] });
    renderAt(<QueuePage view="queue" />, { user: AGENT, path: "/queue" });
    await screen.findByRole("link", { name: "Mouse double-clicks" });
    expect(api.sent("GET", "/api/tickets")[0]!.query.get("status")).toBe("open,in_progress,pending,on_hold");
    const statuses = screen.getByRole("group", { name: /Status/ });
    const boxes = within(statuses).getAllByRole("checkbox");
    expect(boxes.map((box) => box.parentElement!.textContent)).toEqual(["Open", "In progress", "Pending", "On hold", "Resolved", "Closed"]);
    expect(boxes.map((box) => (box as HTMLInputElement).checked)).toEqual([true, true, true, true, false, false]);

    await userEvent.click(within(statuses).getByRole("checkbox", { name: "Pending" }));
    await waitFor(() => expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("status")).toBe("open,in_progress,on_hold"));
  });

  it("shows the first reply's clock until it is met, then the resolution clock alone", async () => {
    fakeApi({ "GET /api/tickets": [page([fresh, answered, late, paused, resolved])], "GET /api/users": [usersReply()] });
    renderAt(<QueuePage view="queue" />, { user: AGENT, path: "/queue" });
    await screen.findByRole("link", { name: "Mouse double-clicks" });
    expect(slaOf("Mouse double-clicks")).toHaveTextContent("First reply due in 12 min" + "due in 4 h");
    expect(slaOf("Screen flickers")).toHaveTextContent(/^due in 1 h 30 min$/);
    expect(slaOf("No sound")).toHaveTextContent("First reply overdue by 5 min");
    expect(within(slaOf("No sound")).getByText(/First reply overdue/)).toHaveClass("sla-overdue");
    expect(slaOf("Badge lost")).toHaveTextContent(/^paused, 3 h 10 min left$/);
    expect(screen.getByText("Pending", { selector: ".badge" })).toBeInTheDocument();
    expect(slaOf("Wifi slow")).toHaveTextContent(/^resolved in time$/);
  });

  it("filters on an overdue first reply with the API's first_response_breached", async () => {
    const api = fakeApi({ "GET /api/tickets": [page([fresh, late]), page([late])], "GET /api/users": [usersReply()] });
    renderAt(<QueuePage view="queue" />, { user: AGENT, path: "/queue" });
    await screen.findByRole("link", { name: "Mouse double-clicks" });
    expect(api.sent("GET", "/api/tickets")[0]!.query.has("first_response_breached")).toBe(false);
    await userEvent.click(screen.getByRole("checkbox", { name: "First reply overdue" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "Mouse double-clicks" })).toBeNull());
    expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("first_response_breached")).toBe("true");
  });
});

describe("my tickets", () => {
  it("searches the requester's own tickets by their words", async () => {
    const api = fakeApi({
      "GET /api/tickets": (request) => (request.query.get("query") === "zebra" ? page([]) : page([fresh])),
    });
    renderAt(<MyTicketsPage />, { user: REQUESTER, path: "/tickets" });
    await screen.findByRole("link", { name: "Mouse double-clicks" });
    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "zebra");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("None of your tickets has these words.")).toBeInTheDocument();
    expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("query")).toBe("zebra");
    expect(screen.getByRole("searchbox", { name: "Search" })).toHaveValue("zebra");
  });
});
