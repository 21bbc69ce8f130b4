// The desk as people use it, in a real browser against a real service (globalSetup.ts).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALLOWED_FIELDS, LIMITS } from "../src/test/apiFacts";
import { apiCall, apiToken, DESKTOP, fitsTheScreen, launch, mainText, PASSWORD, PHONE, screenshot, session, signIn } from "./support";

type Ticket = { id: number; title: string; status: string; priority: string; assignee_id: number | null; version: number };
type TicketPage = { items: Ticket[]; next_offset: number | null };
type Detail = Ticket & { comments: { body: string; author_id: number }[] };

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function ticketsTitled(token: string, title: string): Promise<Ticket[]> {
  const page = await apiCall<TicketPage>(token, "GET", `/api/tickets?limit=100&query=${encodeURIComponent(title)}`);
  return page.items.filter((t) => t.title === title);
}

describe("the desk in a browser", () => {
  it("a requester files a ticket; an agent claims, answers and resolves it; the requester sees the reply", async () => {
    const title = "Printer on floor 3 jams on every page";
    const requester = await session(browser);
    const agent = await session(browser);
    const userToken = await apiToken("user@my");

    // Signed out: the desk sends you to sign in, which lists the demo accounts.
    await requester.page.goto("/");
    await requester.page.waitForURL(/\/login/);
    await requester.page.getByRole("heading", { name: "Demo accounts" }).waitFor();
    expect(await mainText(requester.page)).toContain("Password123");
    await screenshot(requester.page, "sign-in");

    // A wrong password: the API's message, on the page.
    await requester.page.getByLabel("Email").fill("user@my");
    await requester.page.getByLabel("Password").fill("not-the-password");
    await requester.page.getByRole("button", { name: "Sign in" }).click();
    await requester.page.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();

    await signIn(requester.page, "user@my");
    expect(new URL(requester.page.url()).pathname).toBe("/tickets");
    await requester.page.getByText("You have no tickets yet.").waitFor();

    // New ticket: a blank title is refused next to the field; then created by a double
    // click, which must still make one ticket (one Idempotency-Key per submission).
    await requester.page.getByRole("link", { name: "New ticket" }).first().click();
    await requester.page.getByRole("heading", { name: "New ticket" }).waitFor();
    await requester.page.getByRole("button", { name: "Create ticket" }).click();
    const titleError = requester.page.locator("#title-error");
    await titleError.waitFor();
    expect(await titleError.innerText()).toMatch(/title/i);
    expect(await requester.page.getByLabel("Title").getAttribute("aria-invalid")).toBe("true");

    await requester.page.getByLabel("Title").fill(title);
    await requester.page.getByLabel("Description").fill("It pulls two sheets at once and jams.\nTried another tray.");
    await requester.page.getByLabel("Priority").selectOption("high");
    await screenshot(requester.page, "new-ticket");
    await requester.page.getByRole("button", { name: "Create ticket" }).dblclick();
    await requester.page.waitForURL(/\/tickets\/\d+$/);
    await requester.page.getByRole("heading", { name: title }).waitFor();
    const created = await ticketsTitled(userToken, title);
    expect(created).toHaveLength(1);
    const ticketId = created[0]!.id;
    // A requester may edit title and description, nothing else; no claim button.
    await requester.page.getByLabel("Title").waitFor();
    expect(await requester.page.getByLabel("Status").count()).toBe(0);
    expect(await requester.page.getByRole("button", { name: "Claim this ticket" }).count()).toBe(0);

    // The agent finds it in the queue (unassigned), by search, with its SLA clock.
    await signIn(agent.page, "agent@my");
    expect(new URL(agent.page.url()).pathname).toBe("/queue");
    await agent.page.getByLabel("Assignee").selectOption("none");
    await agent.page.waitForURL(/assignee=none/);
    await agent.page.getByRole("searchbox", { name: "Search" }).fill("printer jams");
    await agent.page.getByRole("button", { name: "Search" }).click();
    await agent.page.waitForURL(/query=printer/);
    const row = agent.page.getByRole("row").filter({ hasText: title });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/High/);
    expect(await row.innerText()).toMatch(/due in 3 h 5\d min|due in 4 h/);
    await screenshot(agent.page, "queue");

    // Claim, reply, resolve.
    await row.getByRole("link", { name: title }).click();
    await agent.page.waitForURL(`**/tickets/${ticketId}`);
    const claim = agent.page.getByRole("button", { name: "Claim this ticket" });
    await claim.waitFor(); // the ticket has loaded: what is absent now is really absent
    expect(await agent.page.getByLabel("Status").count()).toBe(0); // not theirs yet
    await claim.click();
    await agent.page.getByText("You claimed this ticket.").waitFor();
    await agent.page.getByLabel("Status").waitFor();
    expect(await agent.page.getByLabel("Title").count()).toBe(0); // an agent's fields only

    const reply = "We replaced the pick-up roller; please try again.";
    await agent.page.getByLabel("Reply", { exact: true }).fill(reply);
    await agent.page.getByRole("button", { name: "Send reply" }).click();
    await agent.page.locator(".comments").getByText(reply).waitFor();

    await agent.page.getByLabel("Status").selectOption("resolved");
    await agent.page.getByRole("button", { name: "Save changes" }).click();
    await agent.page.getByText("Changes saved.").waitFor();
    await agent.page.locator(".timeline").getByText("changed status from Open to Resolved").waitFor();
    expect(await agent.page.locator(".timeline").innerText()).toContain("claimed the ticket");
    await screenshot(agent.page, "ticket-agent");

    const stored = await apiCall<Detail>(userToken, "GET", `/api/tickets/${ticketId}`);
    expect(stored.status).toBe("resolved");
    expect(stored.comments.map((c) => c.body)).toEqual([reply]);

    // The requester sees the reply and the new status.
    await requester.page.reload();
    await requester.page.locator(".comments").getByText(reply).waitFor();
    expect(await requester.page.locator(".badges").innerText()).toContain("Resolved");
    // Agents and admins are named to the requester, as the support team.
    expect(await requester.page.locator(".comments").innerText()).toContain("Alan Agent (support team)");
    await screenshot(requester.page, "ticket-requester");

    // My tickets lists it; on a phone-width screen too, with nothing wider than the screen.
    const phone = await session(browser, PHONE);
    await signIn(phone.page, "user@my");
    await phone.page.getByRole("link", { name: title }).waitFor();
    expect(await fitsTheScreen(phone.page)).toBe(true);
    await screenshot(phone.page, "my-tickets-phone");
    await phone.page.getByRole("link", { name: title }).click();
    await phone.page.locator(".comments").getByText(reply).waitFor();
    expect(await fitsTheScreen(phone.page)).toBe(true);
    await screenshot(phone.page, "ticket-phone");

    await Promise.all([requester.context.close(), agent.context.close(), phone.context.close()]);
  });

  it("two sessions edit one ticket: the second sees what changed meanwhile and reapplies its edit", async () => {
    const adminToken = await apiToken("admin@my");
    const agentId = (await apiCall<{ id: number }>(await apiToken("agent@my"), "GET", "/api/me")).id;
    const ticket = await apiCall<Ticket>(adminToken, "POST", "/api/tickets", {
      title: "VPN drops every ten minutes",
      priority: "medium",
      assignee_id: agentId,
    });

    const agent = await session(browser);
    const admin = await session(browser);
    await signIn(agent.page, "agent@my");
    await signIn(admin.page, "admin@my");
    await agent.page.goto(`/tickets/${ticket.id}`);
    await admin.page.goto(`/tickets/${ticket.id}`);

    // The agent starts an edit (version 1)...
    await agent.page.getByLabel("Priority").selectOption("urgent");
    // ...while the admin saves another change first (version 2).
    await admin.page.getByLabel("Status").selectOption("in_progress");
    await admin.page.getByRole("button", { name: "Save changes" }).click();
    await admin.page.getByText("Changes saved.").waitFor();

    // The agent's save carries If-Match "1": 409, and the page shows why.
    await agent.page.getByRole("button", { name: "Save changes" }).click();
    const conflict = agent.page.locator(".conflict");
    await conflict.waitFor();
    const text = (await conflict.innerText()).replace(/\s+/g, " ");
    expect(text).toContain("This ticket changed while you were editing");
    expect(text).toContain("Ada Admin saved a newer version");
    expect(text).toMatch(/Status Open In progress/);
    expect(text).toMatch(/Priority Medium Medium Urgent/);
    await screenshot(agent.page, "conflict");

    await conflict.getByRole("button", { name: "Reapply my changes" }).click();
    await agent.page.getByText("Changes saved.").waitFor();
    expect(await agent.page.locator(".conflict").count()).toBe(0);

    const stored = await apiCall<Ticket>(adminToken, "GET", `/api/tickets/${ticket.id}`);
    expect(stored).toMatchObject({ status: "in_progress", priority: "urgent", version: 3 });
    await Promise.all([agent.context.close(), admin.context.close()]);
  });

  it("a ticket past its due date shows in the breached view", async () => {
    // The shortest SLA the API allows: 0 minutes, so the ticket is due when it is opened.
    const title = "Payroll export fails at month end";
    const agent = await session(browser);
    await signIn(agent.page, "agent@my");
    await agent.page.getByRole("link", { name: "New ticket" }).click();
    await agent.page.getByLabel("Title").fill(title);
    await agent.page.getByLabel("Priority").selectOption("urgent");
    await agent.page.getByLabel("SLA in minutes").fill("0");
    await agent.page.getByRole("button", { name: "Create ticket" }).click();
    await agent.page.waitForURL(/\/tickets\/\d+$/);
    await agent.page.locator(".badges").getByText(/overdue by/).waitFor();

    await agent.page.getByRole("link", { name: "Breached" }).click();
    await agent.page.getByRole("heading", { name: "Breached tickets" }).waitFor();
    const row = agent.page.getByRole("row").filter({ hasText: title });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/overdue by/);
    // The resolved ticket of the first flow is not due yet: not listed.
    expect(await mainText(agent.page)).not.toContain("Printer on floor 3");
    await screenshot(agent.page, "breached");
    await agent.page.setViewportSize(PHONE);
    expect(await fitsTheScreen(agent.page)).toBe(true);
    await agent.page.setViewportSize(DESKTOP);

    // The queue's "Breached only" filter agrees.
    await agent.page.getByRole("link", { name: "Queue" }).click();
    await agent.page.getByLabel("Breached only").click();
    await agent.page.waitForURL(/breached=true/);
    await agent.page.getByRole("row").filter({ hasText: title }).waitFor();
    await agent.context.close();
  });

  it("the queue pages through its tickets, 20 at a time", async () => {
    const token = await apiToken("user@my");
    for (let n = 1; n <= 23; n++) {
      await apiCall(token, "POST", "/api/tickets", { title: `Badge reader ${n} beeps`, priority: "low" });
    }
    const agent = await session(browser);
    await signIn(agent.page, "agent@my");
    await agent.page.getByRole("searchbox", { name: "Search" }).fill("badge reader");
    await agent.page.getByRole("button", { name: "Search" }).click();
    const rows = agent.page.locator("table.tickets tbody tr");
    await agent.page.waitForURL(/query=badge/);
    await agent.page.getByText("1–20").waitFor();
    // Soonest due first (the queue's order; the same SLA: in the order they were filed),
    // 1 to 20 on the first page, then 21 to 23.
    await rows.first().filter({ hasText: "Badge reader 1 beeps" }).waitFor();
    expect(await rows.count()).toBe(20);

    await agent.page.getByRole("button", { name: "Next →" }).click();
    await agent.page.getByText("21–23").waitFor();
    expect(await rows.count()).toBe(3);
    expect(await rows.first().innerText()).toContain("Badge reader 21 beeps");
    expect(await agent.page.getByRole("button", { name: "Next →" }).isDisabled()).toBe(true);
    await agent.page.getByRole("button", { name: "← Previous" }).click();
    await agent.page.getByText("1–20").waitFor();
    await agent.context.close();
  });

  it("an expired session sends you to sign in and back to where you were", async () => {
    const user = await session(browser);
    await signIn(user.page, "user@my");
    const [printer] = await ticketsTitled(await apiToken("user@my"), "Printer on floor 3 jams on every page");
    const place = `/tickets/${printer!.id}`;
    await user.page.goto(place);
    await user.page.getByRole("heading", { name: "Comments (1)" }).waitFor();

    // The service no longer accepts the token (as after its expiry): the next request is
    // a 401, and the page goes to sign in with its place kept.
    await user.page.evaluate(() => {
      const stored = JSON.parse(localStorage.getItem("helpdesk.session")!);
      localStorage.setItem("helpdesk.session", JSON.stringify({ ...stored, token: stored.token + "x" }));
    });
    await user.page.reload();
    await user.page.waitForURL(/\/login\?next=/);
    await user.page.getByText("Your session has expired").waitFor();
    expect(new URL(user.page.url()).searchParams.get("next")).toBe(place);

    // Signing in again by keyboard alone: the email field has the focus, Tab to the
    // password, Enter to submit.
    await user.page.keyboard.type("user@my");
    await user.page.keyboard.press("Tab");
    await user.page.keyboard.type(PASSWORD);
    await user.page.keyboard.press("Enter");
    await user.page.waitForURL((url) => url.pathname === place);
    await user.page.getByRole("heading", { name: "Comments (1)" }).waitFor();

    // Signing out ends the session.
    await user.page.getByRole("button", { name: "Sign out" }).click();
    await user.page.waitForURL(/\/login$/);
    await user.page.goto("/tickets");
    await user.page.waitForURL(/\/login\?next=%2Ftickets/);
    await user.context.close();
  });

  it("the component tests' fake API answers as the service does: allowed_fields and limits", async () => {
    // test/apiFacts.ts holds what the fakes of the Vitest suite answer; here, the real thing.
    const userToken = await apiToken("user@my");
    const config = await apiCall<{ limits: unknown }>(userToken, "GET", "/api/ui-config");
    expect(config.limits).toEqual(LIMITS);

    type Allowed = Ticket & { allowed_fields: string[] };
    const agentToken = await apiToken("agent@my");
    const adminToken = await apiToken("admin@my");
    const adminId = (await apiCall<{ id: number }>(adminToken, "GET", "/api/me")).id;
    const agentId = (await apiCall<{ id: number }>(agentToken, "GET", "/api/me")).id;
    const allowed = async (token: string, id: number) => (await apiCall<Allowed>(token, "GET", `/api/tickets/${id}`)).allowed_fields;

    const unassigned = await apiCall<Allowed>(userToken, "POST", "/api/tickets", { title: "Monitor flickers after lunch", priority: "low" });
    expect(unassigned.allowed_fields).toEqual(ALLOWED_FIELDS.requester);
    expect(await allowed(userToken, unassigned.id)).toEqual(ALLOWED_FIELDS.requester);
    expect(await allowed(agentToken, unassigned.id)).toEqual(ALLOWED_FIELDS.claimingAgent);
    expect(await allowed(adminToken, unassigned.id)).toEqual(ALLOWED_FIELDS.admin);
    // A list item carries it too.
    const listed = await apiCall<{ items: Allowed[] }>(agentToken, "GET", `/api/tickets?query=${encodeURIComponent("monitor flickers")}`);
    expect(listed.items.find((t) => t.id === unassigned.id)?.allowed_fields).toEqual(ALLOWED_FIELDS.claimingAgent);

    const assignedToAgent = await apiCall<Allowed>(adminToken, "POST", "/api/tickets", { title: "Dock does not charge", assignee_id: agentId });
    expect(await allowed(agentToken, assignedToAgent.id)).toEqual(ALLOWED_FIELDS.assignedAgent);
    const assignedToAdmin = await apiCall<Allowed>(adminToken, "POST", "/api/tickets", { title: "Projector remote lost", assignee_id: adminId });
    expect(await allowed(agentToken, assignedToAdmin.id)).toEqual(ALLOWED_FIELDS.otherAgent);
  });
});
