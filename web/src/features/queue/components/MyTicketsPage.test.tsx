// A requester's own tickets: a word search, and where each ticket stands in words (the SLA
// clocks are the support team's).
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, item, page, renderAt, REQUESTER } from "@/test/helpers";
import { MyTicketsPage } from "./MyTicketsPage";

const waiting = item({ id: 11, title: "Mouse double-clicks", due_at: "2026-11-24T09:00:00Z", breached: true, first_response_breached: true });
const working = item({ id: 12, title: "Screen flickers", status: "in_progress", first_responded_at: "2026-11-24T09:10:00Z" });
const asked = item({ id: 13, title: "No sound", status: "pending", due_at: null, sla_paused: true, sla_remaining_minutes: 90 });

describe("my tickets", () => {
  it("searches the requester's own tickets by their words", async () => {
    const api = fakeApi({
      "GET /api/tickets": (request) => (request.query.get("query") === "zebra" ? page([]) : page([waiting])),
    });
    renderAt(<MyTicketsPage />, { user: REQUESTER, path: "/tickets" });
    await screen.findByRole("link", { name: "Mouse double-clicks" });
    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "zebra");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("None of your tickets has these words.")).toBeInTheDocument();
    expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("query")).toBe("zebra");
    expect(screen.getByRole("searchbox", { name: "Search" })).toHaveValue("zebra");
  });

  it("says where each ticket stands, not how the support team's clocks run", async () => {
    const api = fakeApi({ "GET /api/tickets": [page([waiting, working, asked])] });
    renderAt(<MyTicketsPage />, { user: REQUESTER, path: "/tickets" });
    await screen.findByRole("link", { name: "Mouse double-clicks" });
    const progress = (title: string) => screen.getByRole("link", { name: title }).closest("tr")!.querySelector("td.col-progress");
    // The words are the ticket page's too (the tickets feature's RequesterProgress).
    expect(progress("Mouse double-clicks")).toHaveTextContent(/get back to you soon/);
    expect(progress("Screen flickers")).toHaveTextContent(/working on it/);
    expect(progress("No sound")).toHaveTextContent(/waiting for your reply/);
    const table = screen.getByRole("table");
    expect(table).not.toHaveTextContent(/due|overdue|paused|SLA|first reply/i);
    expect(within(table).getByRole("columnheader", { name: "Progress" })).toBeInTheDocument();
    // Their own list: no checkboxes, no assignee, newest first (the API's order).
    expect(within(table).queryByRole("checkbox")).toBeNull();
    expect(within(table).queryByRole("columnheader", { name: "Assignee" })).toBeNull();
    expect(api.sent("GET", "/api/tickets")[0]!.query.has("sort")).toBe(false);
  });
});
