// The queue: its filters, views and sort are the list API's (kept in the URL), paused
// tickets are part of the work to do, the SLA column shows the first reply's clock until
// it is met, and the keyboard moves through it.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AGENT, item, page, renderAt } from "@/test/helpers";
import { Location, queueApi } from "../testing";
import { QueuePage } from "./QueuePage";

const NOW = Date.parse("2026-11-24T10:00:00Z");
// Half a minute's slack: the tests' clock runs on while they run.
const inMinutes = (minutes: number) => new Date(NOW + (minutes + 0.5) * 60_000).toISOString();

const fresh = item({ id: 11, title: "Mouse double-clicks", due_at: inMinutes(240), first_response_due_at: inMinutes(12) });
const answered = item({ id: 12, title: "Screen flickers", status: "in_progress", due_at: inMinutes(90), first_response_due_at: inMinutes(-30), first_responded_at: inMinutes(-40) });
const late = item({ id: 13, title: "No sound", due_at: inMinutes(30), first_response_due_at: inMinutes(-6), first_response_breached: true });
const paused = item({ id: 14, title: "Badge lost", status: "pending", due_at: null, first_response_due_at: null, sla_paused: true, sla_remaining_minutes: 190 });
const resolved = item({ id: 15, title: "Wifi slow", status: "resolved", due_at: inMinutes(-60), resolved_at: inMinutes(-180), first_responded_at: inMinutes(-200) });
const ALL = [fresh, answered, late, paused, resolved];

/** The Due cell of the row for `title`. */
function dueOf(title: string): HTMLElement {
  const row = screen.getByRole("link", { name: title }).closest("tr")!;
  return row.querySelector<HTMLElement>("td.col-due")!;
}

function openQueue(path = "/queue") {
  renderAt(
    <>
      <QueuePage view="queue" />
      <Location />
    </>,
    { user: AGENT, path },
  );
  return screen.findByRole("link", { name: "Mouse double-clicks" });
}

const where = () => screen.getByTestId("location").textContent;

describe("the queue", () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens on the work not done yet, paused tickets included, soonest due first; Pending and On hold are filters", async () => {
    const api = queueApi({ "GET /api/tickets": [page(ALL)] });
    await openQueue();
    const first = api.sent("GET", "/api/tickets")[0]!.query;
    expect(first.get("status")).toBe("open,in_progress,pending,on_hold");
    expect(first.get("sort")).toBe("due_at");
    const statuses = screen.getByRole("group", { name: /Status/ });
    const boxes = within(statuses).getAllByRole("checkbox");
    expect(boxes.map((box) => box.parentElement!.textContent)).toEqual(["Open", "In progress", "Pending", "On hold", "Resolved", "Closed"]);
    expect(boxes.map((box) => (box as HTMLInputElement).checked)).toEqual([true, true, true, true, false, false]);

    await userEvent.click(within(statuses).getByRole("checkbox", { name: "Pending" }));
    await waitFor(() => expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("status")).toBe("open,in_progress,on_hold"));
  });

  it("shows the first reply's clock until it is met, then the resolution clock alone", async () => {
    queueApi({ "GET /api/tickets": [page(ALL)] });
    await openQueue();
    expect(dueOf("Mouse double-clicks")).toHaveTextContent("First reply due in 12 min" + "due in 4 h");
    expect(dueOf("Screen flickers")).toHaveTextContent(/^due in 1 h 30 min$/);
    expect(dueOf("No sound")).toHaveTextContent("First reply overdue by 5 min");
    expect(within(dueOf("No sound")).getByText(/First reply overdue/)).toHaveClass("sla-overdue");
    expect(dueOf("Badge lost")).toHaveTextContent(/^paused, 3 h 10 min left$/);
    expect(screen.getByText("Pending", { selector: ".badge" })).toBeInTheDocument();
    expect(dueOf("Wifi slow")).toHaveTextContent(/^resolved in time$/);
  });

  it("cuts a long title in its cell, with the whole title on hover, and shows no version numbers", async () => {
    const long = "Unbroken" + "x".repeat(192);
    queueApi({ "GET /api/tickets": [page([fresh, item({ id: 16, title: long, version: 7 })])] });
    await openQueue();
    const link = screen.getByRole("link", { name: long });
    expect(link).toHaveAttribute("title", long);
    expect(link).toHaveClass("title-link");
    expect(screen.getByRole("table")).toHaveClass("tickets");
    expect(document.body.textContent).not.toMatch(/version|\bv\d/i);
  });

  it("filters on an overdue first reply with the API's first_response_breached", async () => {
    const api = queueApi({ "GET /api/tickets": [page([fresh, late]), page([late])] });
    await openQueue();
    expect(api.sent("GET", "/api/tickets")[0]!.query.has("first_response_breached")).toBe(false);
    await userEvent.click(screen.getByRole("checkbox", { name: "First reply overdue" }));
    await waitFor(() => expect(screen.queryByRole("link", { name: "Mouse double-clicks" })).toBeNull());
    expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("first_response_breached")).toBe("true");
  });

  it("sorts by a column on a click (the header tells how), kept in the URL with the filters", async () => {
    const api = queueApi({ "GET /api/tickets": [page(ALL)] });
    await openQueue("/queue?assignee=me");
    const header = (name: string) => screen.getByRole("columnheader", { name });
    expect(header("Due")).toHaveAttribute("aria-sort", "ascending");
    expect(header("Priority")).not.toHaveAttribute("aria-sort");
    // Title, status and assignee are not orders the API knows: no buttons.
    expect(within(header("Title")).queryByRole("button")).toBeNull();

    const cases = [
      ["Priority", "-priority", "descending"],
      ["Updated", "-updated_at", "descending"],
      ["Opened", "-created_at", "descending"],
    ] as const;
    for (const [column, sort, direction] of cases) {
      await userEvent.click(within(header(column)).getByRole("button", { name: column }));
      await waitFor(() => expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("sort")).toBe(sort));
      expect(header(column)).toHaveAttribute("aria-sort", direction);
      expect(header("Due")).not.toHaveAttribute("aria-sort");
      expect(where()).toBe(`/queue?assignee=me&sort=${encodeURIComponent(sort)}`);
      expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("assignee")).toBe("me");
    }
    // Back to the queue's own order: it leaves the URL.
    await userEvent.click(within(header("Due")).getByRole("button", { name: "Due" }));
    await waitFor(() => expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("sort")).toBe("due_at"));
    expect(where()).toBe("/queue?assignee=me");
    // The same orders from the filters' select (a phone shows no headers).
    await userEvent.selectOptions(screen.getByLabelText("Sort by"), "Last updated first");
    await waitFor(() => expect(where()).toBe("/queue?assignee=me&sort=-updated_at"));
  });

  it("reads the sort from the URL", async () => {
    const api = queueApi({ "GET /api/tickets": [page(ALL)] });
    await openQueue("/queue?sort=-updated_at");
    expect(api.sent("GET", "/api/tickets")[0]!.query.get("sort")).toBe("-updated_at");
    expect(screen.getByRole("columnheader", { name: "Updated" })).toHaveAttribute("aria-sort", "descending");
  });

  it("falls back to soonest due for a sort the API does not know", async () => {
    const api = queueApi({ "GET /api/tickets": [page(ALL)] });
    await openQueue("/queue?sort=title");
    expect(api.sent("GET", "/api/tickets")[0]!.query.get("sort")).toBe("due_at");
  });

  it("offers the views with their counts; the one shown is current, and a view keeps the sort", async () => {
    const counts: Record<string, { count: number; exact: boolean }> = {
      none: { count: 4, exact: true },
      me: { count: 12, exact: true },
      breached: { count: 10_000, exact: false },
      open: { count: 25_000, exact: false },
    };
    const api = queueApi({
      "GET /api/tickets": [page(ALL)],
      "GET /api/tickets/count": (request) => {
        expect(request.query.get("status")).toBe("open,in_progress,pending,on_hold");
        const key = request.query.get("assignee") ?? (request.query.get("breached") ? "breached" : "open");
        return { body: counts[key] };
      },
    });
    await openQueue("/queue?sort=-priority");
    const views = screen.getByRole("navigation", { name: "Views" });
    await waitFor(() => expect(within(views).getAllByRole("link").map((link) => link.textContent)).toEqual(["Unassigned4", "Mine12", "Breached10,000+", "All open10,000+"]));
    expect(api.sent("GET", "/api/tickets/count")).toHaveLength(4);
    expect(within(views).getByRole("link", { name: /All open/ })).toHaveAttribute("aria-current", "page");

    await userEvent.click(within(views).getByRole("link", { name: /Unassigned/ }));
    await waitFor(() => expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("assignee")).toBe("none"));
    expect(api.sent("GET", "/api/tickets").at(-1)!.query.get("sort")).toBe("-priority");
    expect(where()).toBe("/queue?assignee=none&sort=-priority");
    expect(within(views).getByRole("link", { name: /Unassigned/ })).toHaveAttribute("aria-current", "page");
    expect(within(views).getByRole("link", { name: /All open/ })).not.toHaveAttribute("aria-current");

    await userEvent.click(within(views).getByRole("link", { name: /Breached/ }));
    await waitFor(() => expect(where()).toBe("/queue?breached=true&sort=-priority"));
    expect(screen.getByRole("checkbox", { name: "Breached only" })).toBeChecked();
    // A filter of one's own is no view.
    await userEvent.click(screen.getByRole("checkbox", { name: "First reply overdue" }));
    await waitFor(() => expect(within(views).queryByRole("link", { current: "page" })).toBeNull());
  });

  it("folds the filters behind one Filters button (a phone shows it alone)", async () => {
    queueApi({ "GET /api/tickets": [page(ALL)] });
    await openQueue();
    const button = screen.getByRole("button", { name: "Filters" });
    expect(button).toHaveAttribute("aria-expanded", "false");
    const fields = document.getElementById(button.getAttribute("aria-controls")!)!;
    expect(fields).not.toHaveClass("open");
    expect(within(fields).getByRole("group", { name: /Status/ })).toBeInTheDocument();
    await userEvent.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(fields).toHaveClass("open");
  });

  it("moves through the rows with j and k, opens one with Enter, and searches on /", async () => {
    queueApi({ "GET /api/tickets": [page(ALL)] });
    await openQueue();
    const row = (title: string) => screen.getByRole("link", { name: title }).closest("tr")!;
    expect(screen.getByText("Keyboard shortcuts")).toBeInTheDocument();

    await userEvent.keyboard("j");
    expect(row("Mouse double-clicks")).toHaveClass("active");
    expect(screen.getByRole("link", { name: "Mouse double-clicks" })).toHaveFocus();
    await userEvent.keyboard("jj");
    expect(row("No sound")).toHaveClass("active");
    expect(row("Mouse double-clicks")).not.toHaveClass("active");
    await userEvent.keyboard("k");
    expect(row("Screen flickers")).toHaveClass("active");
    expect(screen.getByRole("link", { name: "Screen flickers" })).toHaveFocus();

    // x ticks the marked row.
    await userEvent.keyboard("x");
    expect(within(row("Screen flickers")).getByRole("checkbox")).toBeChecked();

    // "/" goes to the search box; typed there, j and k are letters.
    await userEvent.keyboard("/");
    const search = screen.getByRole("searchbox", { name: "Search" });
    expect(search).toHaveFocus();
    await userEvent.keyboard("jk");
    expect(search).toHaveValue("jk");
    expect(row("Screen flickers")).toHaveClass("active");

    // Enter, away from the fields, opens the marked ticket.
    act(() => search.blur());
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(where()).toBe("/tickets/12"));
  });
});
