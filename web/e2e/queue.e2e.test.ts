// The agents' queue as they use it all day, in a real browser against a real service
// (globalSetup.ts): nothing wider than the screen whatever the titles, sorting by due date,
// bulk changes that name the tickets changed meanwhile, the filters folded on a phone, and
// the keyboard. Its tickets are filed by the admin (and a requester of its own), with words
// of their own, so these flows do not depend on the other suites' data, nor they on these.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, apiToken, baseURL, DESKTOP, fitsTheScreen, launch, mainText, PHONE, register, session, signIn } from "./support";

type Ticket = { id: number; title: string; status: string; priority: string; assignee_id: number | null; version: number };

// One word of 200 characters (the longest title the API takes), and a findable word.
const LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(5).slice(0, 200);
const REQUESTER = { email: "quinn@my", name: "Quinn Requester" };

let browser: Browser;
let adminToken: string;
let agentId: number;

beforeAll(async () => {
  browser = await launch();
  adminToken = await apiToken("admin@my");
  agentId = (await apiCall<{ id: number }>(await apiToken("agent@my"), "GET", "/api/me")).id;
});

afterAll(async () => {
  await browser?.close();
});

function file(token: string, title: string, fields: Record<string, unknown> = {}): Promise<Ticket> {
  return apiCall<Ticket>(token, "POST", "/api/tickets", { title, priority: "medium", ...fields });
}

/** The titles of the queue's rows, top to bottom. */
function titles(page: Page): Promise<string[]> {
  return page.locator("table.tickets tbody .title-link").allInnerTexts();
}

async function agentAt(path: string, viewport = DESKTOP) {
  const agent = await session(browser, viewport);
  await signIn(agent.page, "agent@my");
  await agent.page.goto(path);
  return agent;
}

describe("the queue in a browser", () => {
  it("a 200-character word in a title: nothing is wider than the screen, on a desktop or a phone", async () => {
    const ticket = await file(adminToken, LONG_WORD, { description: `Overflowcheck ${LONG_WORD}` });
    await register(REQUESTER.email, REQUESTER.name);
    const requesterToken = await apiToken(REQUESTER.email);
    await file(requesterToken, LONG_WORD, { description: "Overflowcheck, from a requester" });

    for (const viewport of [DESKTOP, PHONE]) {
      const agent = await agentAt("/queue?query=overflowcheck", viewport);
      const link = agent.page.getByRole("link", { name: LONG_WORD }).first();
      await link.waitFor();
      expect(await fitsTheScreen(agent.page)).toBe(true);
      // Cut with an ellipsis, whole on hover.
      expect(await link.getAttribute("title")).toBe(LONG_WORD);
      expect(await link.evaluate((e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).textOverflow === "ellipsis")).toBe(true);
      if (viewport === PHONE) {
        // Two lines a ticket: the title, then status · priority · due.
        const row = agent.page.locator(`tr[data-ticket-id="${ticket.id}"]`);
        const box = (await row.boundingBox())!;
        expect(box.height).toBeLessThan(80);
        expect((await row.innerText()).replace(/\s+/g, " ")).toMatch(/Open Medium (First reply )?due in/);
      }

      await agent.page.goto(`/tickets/${ticket.id}`);
      await agent.page.getByRole("heading", { name: LONG_WORD }).waitFor();
      expect(await fitsTheScreen(agent.page)).toBe(true);
      await agent.context.close();

      // The requester's own list (TicketList too): words, not the SLA clocks.
      const requester = await session(browser, viewport);
      await signIn(requester.page, REQUESTER.email);
      await requester.page.getByRole("link", { name: LONG_WORD }).waitFor();
      expect(await fitsTheScreen(requester.page)).toBe(true);
      const text = await mainText(requester.page);
      expect(text).toContain("get back to you soon");
      expect(text).not.toMatch(/due in|overdue|paused|first reply/i);
      await requester.context.close();
    }
  });

  it("sorts by due date, soonest first, and by any column on a click, kept in the URL", async () => {
    // Filed in this order, due in 5 h, 30 min and 2 h.
    const filed = [
      await file(adminToken, "Sortcheck alpha: scanner offline", { sla_minutes: 300 }),
      await file(adminToken, "Sortcheck bravo: door badge refused", { sla_minutes: 30 }),
      await file(adminToken, "Sortcheck charlie: plotter smudges", { sla_minutes: 120 }),
    ];
    const [alpha, bravo, charlie] = filed.map((t) => t.title);
    const agent = await agentAt("/queue?query=sortcheck");
    await agent.page.getByRole("link", { name: alpha! }).waitFor();
    expect(await titles(agent.page)).toEqual([bravo, charlie, alpha]);
    const due = agent.page.getByRole("columnheader", { name: "Due" });
    expect(await due.getAttribute("aria-sort")).toBe("ascending");

    // Newest first: a click on "Opened", in the URL, so a reload keeps it.
    await agent.page.getByRole("columnheader", { name: "Opened" }).getByRole("button").click();
    await agent.page.waitForURL(/sort=-created_at/);
    await agent.page.waitForFunction((first) => document.querySelector("table.tickets tbody .title-link")?.textContent === first, charlie);
    expect(await titles(agent.page)).toEqual([charlie, bravo, alpha]);
    await agent.page.reload();
    await agent.page.getByRole("link", { name: alpha! }).waitFor();
    expect(await titles(agent.page)).toEqual([charlie, bravo, alpha]);
    expect(await agent.page.getByRole("columnheader", { name: "Opened" }).getAttribute("aria-sort")).toBe("descending");
    expect(await due.getAttribute("aria-sort")).toBeNull();

    await due.getByRole("button").click();
    await agent.page.waitForURL((url) => !url.searchParams.has("sort"));
    await agent.page.waitForFunction((first) => document.querySelector("table.tickets tbody .title-link")?.textContent === first, bravo);
    expect(await titles(agent.page)).toEqual([bravo, charlie, alpha]);
    await agent.context.close();
  });

  it("j and k move through the rows, Enter opens the ticket, / goes to the search", async () => {
    const agent = await agentAt("/queue?query=sortcheck");
    const page = agent.page;
    await page.locator("table.tickets tbody tr").nth(2).waitFor();
    const [first, second] = await titles(page);
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? "");
    const active = () => page.locator("tr.active .title-link").innerText();

    await page.keyboard.press("j");
    expect(await active()).toBe(first);
    expect(await focused()).toBe(first);
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    expect(await active()).toBe(second);
    expect(await focused()).toBe(second);

    // Typing in the search box is typing.
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("search");
    await page.keyboard.type("jk");
    // (It selects what the box held: typing replaces it.)
    expect(await page.getByRole("searchbox", { name: "Search" }).inputValue()).toBe("jk");
    expect(await active()).toBe(second);

    await page.getByRole("searchbox", { name: "Search" }).fill("sortcheck");
    await page.locator("h1").click(); // out of the field
    await page.keyboard.press("k");
    expect(await active()).toBe(first);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/tickets\/\d+$/);
    await page.getByRole("heading", { name: first! }).waitFor();
    await agent.context.close();
  });

  it("bulk assigns three tickets, one changed meanwhile: two updated, the third named", async () => {
    const filed = [
      await file(adminToken, "Bulkcheck one: keyboard sticky keys"),
      await file(adminToken, "Bulkcheck two: monitor arm loose"),
      await file(adminToken, "Bulkcheck three: headset crackles"),
    ];
    const [, changed] = filed;
    const agent = await agentAt("/queue?query=bulkcheck");
    const page = agent.page;
    await page.locator("table.tickets tbody tr").nth(2).waitFor();
    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByText("3 selected").waitFor();
    // Unassigned tickets: an agent may only claim them.
    expect(await bar.getByLabel("New status").count()).toBe(0);

    // Meanwhile the admin changes one of them.
    await fetch(`${baseURL()}/api/tickets/${changed!.id}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json", "If-Match": `"${changed!.version}"` },
      body: JSON.stringify({ priority: "high" }),
    }).then((response) => expect(response.status).toBe(200));

    await bar.getByRole("button", { name: "Assign to me" }).click();
    const summary = page.locator(".bulk-summary");
    await summary.waitFor();
    expect(await summary.innerText()).toContain(
      `2 updated, 1 changed by someone else since you loaded it (ticket #${changed!.id}): reload to see it.`,
    );
    const stored = await Promise.all(filed.map((t) => apiCall<Ticket>(adminToken, "GET", `/api/tickets/${t.id}`)));
    expect(stored.map((t) => t.assignee_id)).toEqual([agentId, null, agentId]);
    expect(stored[1]).toMatchObject({ priority: "high" });

    // The list is read again: the changed ticket as it is now, still selected to retry.
    const row = page.locator(`tr[data-ticket-id="${changed!.id}"]`);
    await row.getByText("High", { exact: true }).waitFor();
    expect(await row.getByRole("checkbox").isChecked()).toBe(true);
    await bar.getByText("1 selected").waitFor();
    await bar.getByRole("button", { name: "Assign to me" }).click();
    await page.locator(".bulk-summary").getByText("1 updated.").waitFor();
    expect((await apiCall<Ticket>(adminToken, "GET", `/api/tickets/${changed!.id}`)).assignee_id).toBe(agentId);
    expect(await mainText(page)).not.toMatch(/version/i);
    await agent.context.close();
  });

  it("on a phone, the filters fold behind one Filters button", async () => {
    const agent = await agentAt("/queue", PHONE);
    const page = agent.page;
    await page.locator("table.tickets tbody tr").first().waitFor();
    const button = page.getByRole("button", { name: "Filters" });
    const statuses = page.getByRole("group", { name: /Status/ });
    expect(await button.getAttribute("aria-expanded")).toBe("false");
    expect(await statuses.isVisible()).toBe(false);
    expect(await page.getByRole("searchbox", { name: "Search" }).isVisible()).toBe(true);
    expect(await fitsTheScreen(page)).toBe(true);

    await button.click();
    expect(await button.getAttribute("aria-expanded")).toBe("true");
    await statuses.waitFor();
    expect(await fitsTheScreen(page)).toBe(true);
    await page.getByLabel("Assignee").selectOption("none");
    await page.waitForURL(/assignee=none/);
    // The URL changes first; the views' tabs follow with React's next render.
    await expect.poll(() => page.getByRole("link", { name: /Unassigned/ }).getAttribute("aria-current")).toBe("page");

    // A desktop shows the filters, with no button.
    await page.setViewportSize(DESKTOP);
    expect(await button.isVisible()).toBe(false);
    expect(await statuses.isVisible()).toBe(true);
    await agent.context.close();
  });
});
