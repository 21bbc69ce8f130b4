// Live updates in a real browser against a real service (globalSetup.ts): the app keeps a
// Server-Sent Events stream open (GET /api/events/stream, on a stream token), so what
// others do through the API shows on the pages already open, without a reload: a new
// ticket in the agent's queue, a comment on the ticket page, and under an unsaved edit,
// a notice that the ticket changed. Its tickets have words of their own, and its own
// requester, so these flows do not depend on the other suites' data.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, apiToken, baseURL, launch, register, screenshot, session, signIn } from "./support";

type Ticket = { id: number; title: string; version: number };

const REQUESTER = { email: "lena@my", name: "Lena Requester" };
// How long something done through the API may take to show on an open page: the stream
// sends it at once; the lists' own refresh (every 30 s) would be far slower than this.
const LIVE_MS = 5_000;

let browser: Browser;
let requesterToken: string;
let adminToken: string;
let agentId: number;

beforeAll(async () => {
  browser = await launch();
  await register(REQUESTER.email, REQUESTER.name);
  requesterToken = await apiToken(REQUESTER.email);
  adminToken = await apiToken("admin@my");
  agentId = (await apiCall<{ id: number }>(await apiToken("agent@my"), "GET", "/api/me")).id;
});

afterAll(async () => {
  await browser?.close();
});

/** The agent, signed in, at `path`, once the header says the live stream is connected. */
async function agentAt(path: string) {
  const agent = await session(browser);
  await signIn(agent.page, "agent@my");
  await agent.page.goto(path);
  await live(agent.page);
  // Set on this document: still there later means the page was not reloaded.
  await agent.page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  return agent;
}

function live(page: Page) {
  return page.locator("header").getByRole("status").filter({ hasText: "Live updates on" }).waitFor();
}

async function notReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere === true);
}

async function patch(token: string, ticket: Ticket, body: Record<string, unknown>): Promise<Ticket> {
  const response = await fetch(`${baseURL()}/api/tickets/${ticket.id}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "If-Match": `"${ticket.version}"` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PATCH ${ticket.id}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Ticket;
}

describe("live updates in a browser", () => {
  it("a ticket a requester files shows in the agent's open queue, without a reload", async () => {
    const agent = await agentAt("/queue?query=thermostat");
    await agent.page.getByText("No tickets match these filters.").waitFor();
    // The stream carries it: the list's own timer (30 s) would not show it this soon.
    const title = "Thermostat in room 12 stuck at 30 degrees";
    const filed = await apiCall<Ticket>(requesterToken, "POST", "/api/tickets", { title, priority: "high" });
    await agent.page.getByRole("link", { name: title }).waitFor({ timeout: LIVE_MS });
    const row = agent.page.locator(`tr[data-ticket-id="${filed.id}"]`);
    expect(await row.innerText()).toMatch(/High/);
    expect(await notReloaded(agent.page)).toBe(true);
    await agent.context.close();
  });

  it("a broken stream opens again on a fresh token, and what happened meanwhile shows", async () => {
    const agent = await session(browser);
    // A hand on the page's EventSources, to break one as a dropped connection would.
    await agent.context.addInitScript(() => {
      const Native = window.EventSource;
      const opened: EventSource[] = [];
      Object.assign(window, { openedStreams: opened });
      window.EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          opened.push(this);
        }
      };
    });
    // The stream tokens of this page's EventSources, in order.
    const tokens = () =>
      agent.page.evaluate(() =>
        (window as unknown as { openedStreams: EventSource[] }).openedStreams.map((source) => new URL(source.url).searchParams.get("token")),
      );
    await signIn(agent.page, "agent@my");
    await agent.page.goto("/queue?query=stapler");
    await live(agent.page);
    await agent.page.getByText("No tickets match these filters.").waitFor();
    expect(await tokens()).toHaveLength(1);

    await agent.page.evaluate(() => {
      const { openedStreams } = window as unknown as { openedStreams: EventSource[] };
      openedStreams.at(-1)!.dispatchEvent(new Event("error"));
    });
    await agent.page.locator("header").getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor();
    // Filed while the stream is down: no event for it will come.
    const title = "Stapler on floor 2 jams";
    await apiCall(requesterToken, "POST", "/api/tickets", { title, priority: "low" });

    await live(agent.page);
    const [first, second, ...more] = await tokens();
    expect(more).toEqual([]);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    // Back: the lists are read again, and show it.
    await agent.page.getByRole("link", { name: title }).waitFor({ timeout: LIVE_MS });
    await agent.context.close();
  });

  it("a comment posted through the API shows on the agent's open ticket page", async () => {
    const ticket = await apiCall<Ticket>(requesterToken, "POST", "/api/tickets", { title: "Badge does not open the garage", priority: "medium" });
    const agent = await agentAt(`/tickets/${ticket.id}`);
    await agent.page.getByRole("heading", { name: "Comments (0)" }).waitFor();

    const body = "It worked yesterday; today the light stays red.";
    await apiCall(requesterToken, "POST", `/api/tickets/${ticket.id}/comments`, { body });
    await agent.page.locator(".comments").getByText(body).waitFor({ timeout: LIVE_MS });
    await agent.page.getByRole("heading", { name: "Comments (1)" }).waitFor();
    expect(await agent.page.locator(".comments").innerText()).toContain("Lena Requester");
    expect(await notReloaded(agent.page)).toBe(true);
    await agent.context.close();
  });

  it("a requester's open ticket shows the support team's reply, and never an internal note", async () => {
    const ticket = await apiCall<Ticket>(requesterToken, "POST", "/api/tickets", { title: "Laptop fan is loud all day", priority: "low" });
    const requester = await session(browser);
    await signIn(requester.page, REQUESTER.email);
    await requester.page.goto(`/tickets/${ticket.id}`);
    await live(requester.page);

    const agentToken = await apiToken("agent@my");
    await apiCall(agentToken, "POST", `/api/tickets/${ticket.id}/comments`, { body: "Note: its fan was replaced last month.", internal: true });
    await apiCall(agentToken, "POST", `/api/tickets/${ticket.id}/comments`, { body: "Could you bring it to the desk today?" });
    await requester.page.locator(".comments").getByText("Could you bring it to the desk today?").waitFor({ timeout: LIVE_MS });
    const comments = await requester.page.locator(".comments").innerText();
    expect(comments).toContain("Alan Agent (support team)");
    expect(comments).not.toContain("replaced last month");
    await requester.context.close();
  });

  it("under an unsaved edit, a change made through the API shows a notice; Reload compares, the edit is reapplied", async () => {
    const ticket = await apiCall<Ticket>(adminToken, "POST", "/api/tickets", {
      title: "Projector in room 4 shows no picture",
      priority: "medium",
      assignee_id: agentId,
    });
    const agent = await agentAt(`/tickets/${ticket.id}`);
    // The agent starts an edit on version 1, and does not save it yet...
    await agent.page.getByLabel("Priority").selectOption("urgent");
    // ...while the admin moves the ticket on through the API (version 2).
    await patch(adminToken, ticket, { status: "in_progress" });

    const notice = agent.page.locator(".changed-notice");
    await notice.waitFor({ timeout: LIVE_MS });
    expect(await notice.getAttribute("role")).toBe("status");
    expect((await notice.innerText()).replace(/\s+/g, " ")).toContain("This ticket was changed by Ada Admin since you opened it");
    // Not in the way: the page shows the new status, the edit is still there.
    await agent.page.locator(".badges").getByText("In progress").waitFor();
    expect(await agent.page.getByLabel("Priority").inputValue()).toBe("urgent");
    expect(await notReloaded(agent.page)).toBe(true);
    await screenshot(agent.page, "changed-notice");

    await notice.getByRole("button", { name: "Reload" }).click();
    const conflict = agent.page.locator(".conflict");
    await conflict.waitFor();
    const text = (await conflict.innerText()).replace(/\s+/g, " ");
    expect(text).toContain("Ada Admin saved a newer version");
    expect(text).toMatch(/Status Open In progress/);
    expect(text).toMatch(/Priority Medium Medium Urgent/);
    await conflict.getByRole("button", { name: "Reapply my changes" }).click();
    await agent.page.getByText("Changes saved.").waitFor();

    const stored = await apiCall<Ticket & { status: string; priority: string }>(adminToken, "GET", `/api/tickets/${ticket.id}`);
    expect(stored).toMatchObject({ status: "in_progress", priority: "urgent", version: 3 });
    await agent.context.close();
  });
});
