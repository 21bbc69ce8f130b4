// The support workflow in a real browser against a real service (globalSetup.ts): pending
// pauses the SLA clocks and the requester's reply resumes them; internal notes stay with
// the support team; an admin sets the SLA policies and business hours. These flows use a
// requester of their own (registered here), so they do not depend on the order in which
// the suites run, and put back the settings they change.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, apiToken, fitsTheScreen, launch, mainText, PHONE, register, screenshot, session, signIn } from "./support";

type Detail = {
  id: number;
  status: string;
  sla_paused: boolean;
  due_at: string | null;
  comments: { body: string; internal: boolean }[];
  timeline: { action: string }[];
};
type Policy = { priority: string; first_response_minutes: number; resolution_minutes: number; business_hours: boolean };
type Hours = { timezone: string; week: Record<string, string[][]>; holidays: string[] };

const REQUESTER = { email: "rita@my", name: "Rita Requester" };
const TITLE = "Laptop fan rattles during video calls";
const NOTE = "Vendor says the quokka bracket is back-ordered until Friday";

let browser: Browser;
let ticketId: number;

beforeAll(async () => {
  browser = await launch();
  await register(REQUESTER.email, REQUESTER.name);
  const token = await apiToken(REQUESTER.email);
  const created = await apiCall<{ id: number }>(token, "POST", "/api/tickets", {
    title: TITLE,
    description: "A rattle from the left side whenever the fan spins up.",
    priority: "high",
  });
  ticketId = created.id;
});

afterAll(async () => {
  await browser?.close();
});

/** The queue's row for this flow's ticket, found by search. */
async function queueRow(page: Page) {
  await page.goto("/queue?query=" + encodeURIComponent("laptop fan rattles"));
  const row = page.getByRole("row").filter({ hasText: TITLE });
  await row.waitFor();
  return row;
}

describe("the support workflow in a browser", () => {
  it("an agent sets a ticket to pending: its clocks pause, in the queue too", async () => {
    const agent = await session(browser);
    await signIn(agent.page, "agent@my");
    const row = await queueRow(agent.page);
    // Running, and not answered yet: the first reply's clock above the resolution clock.
    expect(await row.innerText()).toMatch(/First reply due in (59 min|1 h)/);
    expect(await row.innerText()).toMatch(/due in (3 h 5\d min|4 h)/);

    await row.getByRole("link", { name: TITLE }).click();
    await agent.page.getByRole("button", { name: "Claim this ticket" }).click();
    await agent.page.getByText("You claimed this ticket.").waitFor();
    await agent.page.getByLabel("Status").selectOption("pending");
    await agent.page.getByText("Pending: waiting on the requester: the SLA clocks pause.").waitFor();
    await agent.page.getByRole("button", { name: "Save changes" }).click();
    await agent.page.getByText("Changes saved.").waitFor();

    const badges = agent.page.locator(".badges");
    await badges.getByText(/^paused, (3 h 5\d min|4 h) left$/).waitFor();
    expect(await badges.innerText()).toContain("Pending");
    await agent.page.locator(".timeline").getByText(/Alan Agent \(you\) paused the SLA clock: (3 h 5\d min|4 h) left \(first reply: (5\d min|1 h) left\)/).waitFor();
    expect(await agent.page.locator(".facts").innerText()).toMatch(/Due\s+Paused \(pending or on hold\)/);

    // The queue lists it (pending is still work to do), paused.
    const paused = await queueRow(agent.page);
    const text = await paused.innerText();
    expect(text).toContain("Pending");
    expect(text).toMatch(/paused, (3 h 5\d min|4 h) left/);
    expect(text).not.toMatch(/due in/);
    const stored = await apiCall<Detail>(await apiToken("agent@my"), "GET", `/api/tickets/${ticketId}`);
    expect(stored).toMatchObject({ status: "pending", sla_paused: true, due_at: null });
    await agent.context.close();
  });

  it("the requester replies: the ticket is open again, its clock running", async () => {
    const requester = await session(browser);
    await signIn(requester.page, REQUESTER.email);
    await requester.page.getByRole("link", { name: TITLE }).click();
    await requester.page.waitForURL(`**/tickets/${ticketId}`);
    const badges = requester.page.locator(".badges");
    await badges.getByText("Pending").waitFor();
    // A requester reads where the ticket stands in words, not the SLA clocks.
    await badges.getByText("We're waiting for your reply.").waitFor();
    expect(await badges.innerText()).not.toMatch(/paused|due in/);
    // A requester only replies: no internal notes on offer.
    expect(await requester.page.getByRole("radio").count()).toBe(0);

    await requester.page.getByLabel("Reply", { exact: true }).fill("It does it on battery too; serial number 5CG1234XYZ.");
    await requester.page.getByRole("button", { name: "Send reply" }).click();
    await requester.page.locator(".comments").getByText("serial number 5CG1234XYZ").waitFor();
    await badges.getByText("Open", { exact: true }).waitFor();
    await badges.getByText("We'll get back to you soon.").waitFor();
    // Their history says what they did; the SLA's bookkeeping is the desk's.
    const timeline = requester.page.locator(".timeline");
    await timeline.getByText(/Rita Requester \(you\) changed status from Pending to Open/).waitFor();
    expect(await timeline.innerText()).not.toMatch(/SLA clock/);

    // The agent's queue agrees: open, the clocks running again.
    const agent = await session(browser);
    await signIn(agent.page, "agent@my");
    const row = await queueRow(agent.page);
    await row.getByText("Open", { exact: true }).waitFor();
    const text = await row.innerText();
    expect(text).toMatch(/due in (3 h 5\d min|4 h)/);
    expect(text).toMatch(/First reply due in/);
    expect(text).not.toContain("paused");
    const stored = await apiCall<Detail>(await apiToken("agent@my"), "GET", `/api/tickets/${ticketId}`);
    expect(stored).toMatchObject({ status: "open", sla_paused: false });
    expect(stored.due_at).not.toBeNull();
    await Promise.all([requester.context.close(), agent.context.close()]);
  });

  it("an internal note is there for the agent, and nowhere for the requester, search included", async () => {
    const agent = await session(browser);
    await signIn(agent.page, "agent@my");
    await agent.page.goto(`/tickets/${ticketId}`);
    await agent.page.getByRole("radio", { name: "Internal note" }).check();
    await agent.page.getByLabel("Note", { exact: true }).fill(NOTE);
    await agent.page.getByRole("button", { name: "Add internal note" }).click();
    const note = agent.page.locator(".comments li.internal").filter({ hasText: NOTE });
    await note.waitFor();
    expect(await note.innerText()).toMatch(/Internal note/i);
    expect(await note.innerText()).toContain("Alan Agent (you)");
    // Unmistakable beyond the words: its own background.
    const background = await note.evaluate((li) => getComputedStyle(li).backgroundColor);
    const publicBackground = await agent.page.locator(".comments li:not(.internal)").first().evaluate((li) => getComputedStyle(li).backgroundColor);
    expect(background).not.toBe(publicBackground);
    await agent.page.locator(".timeline").getByText("Alan Agent (you) added an internal note").waitFor();
    // A public reply too, the first by the support team: the first reply's clock is met.
    await agent.page.getByRole("radio", { name: "Reply to requester" }).check();
    await agent.page.getByLabel("Reply", { exact: true }).fill("Thanks, a new fan is on its way.");
    await agent.page.getByRole("button", { name: "Send reply" }).click();
    await agent.page.locator(".comments").getByText("a new fan is on its way").waitFor();
    await agent.page.locator(".facts").getByText("Sent in time").waitFor();
    // The picture: the note in the thread, and the reply box writing another one.
    await agent.page.getByRole("radio", { name: "Internal note" }).check();
    await agent.page.getByLabel("Note", { exact: true }).fill("Chase the vendor on Monday if the bracket has not shipped.");
    await screenshot(agent.page, "internal-note");

    // The agent's search finds the ticket by the note's words.
    await agent.page.goto("/queue?query=quokka");
    await agent.page.getByRole("row").filter({ hasText: TITLE }).waitFor();

    // The requester: the reply, not the note, not its history line, not by search.
    const requester = await session(browser);
    await signIn(requester.page, REQUESTER.email);
    await requester.page.goto(`/tickets/${ticketId}`);
    await requester.page.locator(".comments").getByText("a new fan is on its way").waitFor();
    const page = await mainText(requester.page);
    expect(page).not.toContain("quokka");
    expect(page).not.toMatch(/internal note/i);
    expect(await requester.page.locator(".comments li.internal").count()).toBe(0);
    expect(page).toContain("Alan Agent (support team)");

    await requester.page.getByRole("link", { name: "My tickets" }).first().click();
    await requester.page.getByRole("link", { name: TITLE }).waitFor();
    await requester.page.getByRole("searchbox", { name: "Search" }).fill("quokka");
    await requester.page.getByRole("button", { name: "Search" }).click();
    await requester.page.waitForURL(/query=quokka/);
    await requester.page.getByText("None of your tickets has these words.").waitFor();
    expect(await requester.page.getByRole("link", { name: TITLE }).count()).toBe(0);
    // The same search box finds the ticket by words the requester may see.
    await requester.page.getByRole("searchbox", { name: "Search" }).fill("rattles");
    await requester.page.getByRole("button", { name: "Search" }).click();
    await requester.page.getByRole("link", { name: TITLE }).waitFor();

    const seen = await apiCall<Detail>(await apiToken(REQUESTER.email), "GET", `/api/tickets/${ticketId}`);
    expect(seen.comments.some((c) => c.internal || c.body.includes("quokka"))).toBe(false);
    await Promise.all([agent.context.close(), requester.context.close()]);
  });

  it("an admin changes a policy and the business hours; a wrong time zone is refused beside the field", async () => {
    const adminToken = await apiToken("admin@my");
    const policiesBefore = await apiCall<Policy[]>(adminToken, "GET", "/api/sla-policies");
    const hoursBefore = await apiCall<Hours>(adminToken, "GET", "/api/business-hours");
    const admin = await session(browser);
    try {
      await signIn(admin.page, "admin@my");
      await admin.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      await admin.page.getByRole("heading", { name: "Settings" }).waitFor();

      // The low priority's first response: 2 hours, in business hours.
      const low = admin.page.getByRole("group", { name: "Low" });
      await low.getByLabel("First response (minutes)").fill("120");
      await low.getByLabel("Business hours only").check();
      await low.getByText("= 2 h of business hours").waitFor();
      await low.getByRole("button", { name: "Save Low" }).click();
      await low.getByText("Saved").waitFor();

      // An unknown time zone: the API's message under the field.
      const zone = admin.page.getByLabel("Time zone");
      await zone.fill("Mars/Olympus_Mons");
      await admin.page.getByRole("button", { name: "Save business hours" }).click();
      const zoneError = admin.page.locator("#timezone-error");
      await zoneError.waitFor();
      expect(await zoneError.innerText()).toContain("unknown time zone Mars/Olympus_Mons");
      expect(await zone.getAttribute("aria-invalid")).toBe("true");
      expect(await zone.getAttribute("aria-describedby")).toBe("timezone-error");

      // Then a real one, Saturday mornings, and Christmas Eve off.
      await zone.fill("Europe/Berlin");
      await admin.page.getByRole("button", { name: "Add hours on Saturday" }).click();
      await admin.page.getByLabel("Saturday until", { exact: true }).fill("13:00");
      await admin.page.getByRole("button", { name: "Add a holiday" }).click();
      await admin.page.getByLabel("Holiday 1", { exact: true }).fill("2026-12-24");
      await admin.page.getByRole("button", { name: "Save business hours" }).click();
      await admin.page.getByText("Business hours saved.").waitFor();
      expect(await admin.page.locator("#timezone-error").count()).toBe(0);
      await screenshot(admin.page, "settings");

      const policies = await apiCall<Policy[]>(adminToken, "GET", "/api/sla-policies");
      expect(policies.find((p) => p.priority === "low")).toEqual({
        priority: "low",
        first_response_minutes: 120,
        resolution_minutes: policiesBefore.find((p) => p.priority === "low")!.resolution_minutes,
        business_hours: true,
      });
      const hours = await apiCall<Hours>(adminToken, "GET", "/api/business-hours");
      expect(hours.timezone).toBe("Europe/Berlin");
      expect(hours.week.sat).toEqual([["09:00", "13:00"]]);
      expect(hours.holidays).toEqual(["2026-12-24"]);

      // A reload shows what was saved.
      await admin.page.reload();
      expect(await admin.page.getByLabel("Time zone").inputValue()).toBe("Europe/Berlin");
      expect(await admin.page.getByRole("group", { name: "Low" }).getByLabel("Business hours only").isChecked()).toBe(true);

      // At phone width the page fits the screen.
      await admin.page.setViewportSize(PHONE);
      expect(await fitsTheScreen(admin.page)).toBe(true);

      // Agents have no settings page.
      const agent = await session(browser);
      await signIn(agent.page, "agent@my");
      expect(await agent.page.getByRole("link", { name: "Settings" }).count()).toBe(0);
      await agent.page.goto("/settings");
      await agent.page.waitForURL(/\/queue$/);
      await agent.context.close();
    } finally {
      // Put back what this flow changed: the other flows count on the default SLAs.
      for (const { priority, ...policy } of policiesBefore) await apiCall(adminToken, "PUT", `/api/sla-policies/${priority}`, policy);
      await apiCall(adminToken, "PUT", "/api/business-hours", hoursBefore);
      await admin.context.close();
    }
  });
});
