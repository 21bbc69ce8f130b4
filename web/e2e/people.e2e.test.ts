// People and their accounts in a real browser against a real service (globalSetup.ts): an
// admin adds an agent, who signs in; deactivated, the agent's open session ends; a
// password change ends the other sessions and goes on with the new token; a requester
// signs up; an agent sends a reply and resolves in one step; a `javascript:` address in a
// comment stays text. Every account and ticket here is this file's own (no demo account
// but the admin changes), so the suites do not depend on one another's data.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, apiStatus, apiToken, baseURL, fitsTheScreen, launch, mainText, PASSWORD, PHONE, register, screenshot, session, signIn, signInWith } from "./support";

type Detail = { id: number; status: string; version: number; comments: { body: string }[] };

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** Signed out: the sign-in page, with its email field ready. */
async function onSignInPage(page: Page): Promise<void> {
  await page.waitForURL(/\/login/);
  await page.getByRole("heading", { name: "Sign in to Helpdesk" }).waitFor();
}

describe("people and their accounts", () => {
  it("an admin adds an agent, who signs in; deactivated, the agent's open session ends", async () => {
    const admin = await session(browser);
    const agent = await session(browser);
    await signIn(admin.page, "admin@my");
    await admin.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
    const heading = admin.page.getByRole("heading", { level: 1, name: "People" });
    await heading.waitFor();
    // The page's heading has the focus after the change of page.
    await expect.poll(() => heading.evaluate((h) => h === document.activeElement)).toBe(true);

    // Add: the form checks its fields first, then the admin's token makes an agent.
    await admin.page.getByRole("button", { name: "Add an agent or admin" }).click();
    const dialog = admin.page.getByRole("dialog", { name: "Add an agent or admin" });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel("Name").evaluate((e) => e === document.activeElement)).toBe(true);
    await dialog.getByRole("button", { name: "Add agent" }).click();
    await dialog.getByText("Name is required").waitFor();
    await dialog.getByLabel("Name").fill("Petra Agent");
    await dialog.getByLabel("Email").fill("petra@my");
    await dialog.getByLabel("Password").fill(PASSWORD);
    await screenshot(admin.page, "people-add");
    await dialog.getByRole("button", { name: "Add agent" }).click();
    await admin.page.getByRole("status").filter({ hasText: "Petra Agent was added as an agent" }).waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await admin.page.getByRole("row").filter({ hasText: "petra@my" }).waitFor();
    await screenshot(admin.page, "people");

    // The new agent signs in, in another browser, and works the queue.
    await signIn(agent.page, "petra@my");
    expect(new URL(agent.page.url()).pathname).toBe("/queue");
    await agent.page.getByRole("heading", { level: 1, name: "Queue" }).waitFor();

    // Deactivate: Escape first (nothing happens), then for real.
    await admin.page.getByLabel("Name or email").fill("petra");
    await admin.page.getByRole("button", { name: "Search" }).click();
    const row = admin.page.getByRole("row").filter({ hasText: "petra@my" });
    await row.waitFor();
    await row.getByRole("button", { name: "Deactivate Petra Agent" }).click();
    const confirm = admin.page.getByRole("dialog", { name: "Deactivate Petra Agent?" });
    await confirm.waitFor();
    await admin.page.keyboard.press("Escape");
    await confirm.waitFor({ state: "hidden" });
    expect(await row.innerText()).toContain("Active");
    await row.getByRole("button", { name: "Deactivate Petra Agent" }).click();
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    await admin.page.getByRole("status").filter({ hasText: "Petra Agent was deactivated and signed out." }).waitFor();
    await row.getByText("Deactivated").waitFor();

    // The agent's next page: the session has ended, and the account cannot sign in again.
    await agent.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Breached" }).click();
    await onSignInPage(agent.page);
    await agent.page.getByLabel("Email").fill("petra@my");
    await agent.page.getByLabel("Password").fill(PASSWORD);
    await agent.page.getByRole("button", { name: "Sign in" }).click();
    await agent.page.getByRole("alert").filter({ hasText: "This account has been deactivated" }).waitFor();

    // The admin's own account: demoting themselves is refused, in words.
    await admin.page.getByLabel("Name or email").fill("admin@my");
    await admin.page.getByRole("button", { name: "Search" }).click();
    const own = admin.page.getByRole("combobox", { name: "Role of Ada Admin" });
    await own.selectOption("agent");
    const demote = admin.page.getByRole("dialog", { name: "Make Ada Admin (you) an agent?" });
    await demote.getByRole("button", { name: "Make an agent" }).click();
    await demote.getByRole("alert").filter({ hasText: "You can't demote yourself" }).waitFor();
    await demote.getByRole("button", { name: "Cancel" }).click();
    expect(await own.inputValue()).toBe("admin");

    // On a phone: the list fits the screen.
    await admin.page.getByLabel("Name or email").fill("");
    await admin.page.getByRole("button", { name: "Search" }).click();
    await admin.page.waitForURL((url) => !url.search.includes("query="));
    await admin.page.setViewportSize(PHONE);
    await admin.page.getByRole("row").filter({ hasText: "petra@my" }).waitFor();
    expect(await fitsTheScreen(admin.page)).toBe(true);
    await screenshot(admin.page, "people-phone");
    await Promise.all([admin.context.close(), agent.context.close()]);
  });

  it("a password change: the old token stops working, this session goes on, the others end", async () => {
    const email = "paula@my";
    await register(email, "Paula Password");
    const oldToken = await apiToken(email);
    const here = await session(browser);
    const elsewhere = await session(browser);
    await signIn(here.page, email);
    await signIn(elsewhere.page, email);

    await here.page.getByRole("link", { name: /Paula Password/ }).click();
    await here.page.getByRole("heading", { level: 1, name: "Your account" }).waitFor();
    await here.page.getByLabel("Current password").fill("not-my-password");
    await here.page.getByLabel("New password", { exact: true }).fill("A-new-password-9");
    await here.page.getByLabel("Confirm new password").fill("A-new-password-9");
    await here.page.getByRole("button", { name: "Change password" }).click();
    await here.page.locator("#current-password-error").filter({ hasText: "Current password is wrong" }).waitFor();

    await here.page.getByLabel("Current password").fill(PASSWORD);
    await here.page.getByRole("button", { name: "Change password" }).click();
    await here.page.getByRole("status").filter({ hasText: "Your other sessions were signed out; this one goes on." }).waitFor();
    await screenshot(here.page, "account");
    expect(await apiStatus(oldToken, "GET", "/api/me")).toBe(401);

    // This session goes on with the new token: a reload and another page still work.
    await here.page.reload();
    await here.page.getByRole("heading", { level: 1, name: "Your account" }).waitFor();
    await here.page.getByRole("link", { name: "My tickets" }).click();
    await here.page.getByRole("heading", { level: 1, name: "My tickets" }).waitFor();
    // The other browser's session has ended: its next page is the sign-in page.
    await elsewhere.page.goto("/tickets");
    await onSignInPage(elsewhere.page);
    await signInWith(elsewhere.page, email, "A-new-password-9");
    await elsewhere.page.getByRole("heading", { level: 1, name: "My tickets" }).waitFor();
    await Promise.all([here.context.close(), elsewhere.context.close()]);
  });

  it("a requester signs up from the sign-in page and lands on their tickets", async () => {
    const { context, page } = await session(browser);
    await page.goto("/login");
    // The email field has the focus; an empty form is not sent.
    await expect.poll(() => page.getByLabel("Email").evaluate((e) => e === document.activeElement)).toBe(true);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Enter your email").waitFor();
    await page.getByText("Enter your password").waitFor();

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("heading", { level: 1, name: "Create your Helpdesk account" }).waitFor();
    await page.getByLabel("Name").fill("Sam Signup");
    await page.getByLabel("Email").fill("sam@my");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Password must be 8 to 72 characters long").waitFor();
    await page.getByLabel("Password").fill(PASSWORD);
    await screenshot(page, "sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname === "/tickets");
    await page.getByRole("heading", { level: 1, name: "My tickets" }).waitFor();
    await page.getByText("You have no tickets yet.").waitFor();
    expect(await page.getByRole("link", { name: /Sam Signup/ }).innerText()).toContain("requester");
    await context.close();
  });

  it("an agent replies and resolves in one step; a javascript: address stays text", async () => {
    const email = "rhea@my";
    await register(email, "Rhea Requester");
    const requesterToken = await apiToken(email);
    const agentToken = await apiToken("agent@my");
    const agentId = (await apiCall<{ id: number }>(agentToken, "GET", "/api/me")).id;
    const created = await apiCall<Detail>(requesterToken, "POST", "/api/tickets", {
      title: "Card printer prints blank cards",
      description: "The manual is at https://docs.example.com/badge-printer, page 12.",
    });
    // The agent claims it (a change carries If-Match).
    const claimed = await fetch(`${baseURL()}/api/tickets/${created.id}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${agentToken}`, "Content-Type": "application/json", "If-Match": `"${created.version}"` },
      body: JSON.stringify({ assignee_id: agentId }),
    });
    expect(claimed.status).toBe(200);
    await apiCall(requesterToken, "POST", `/api/tickets/${created.id}/comments`, { body: "It says javascript:alert(document.cookie) on the display, see https://status.example.com." });

    const agent = await session(browser);
    await signIn(agent.page, "agent@my");
    await agent.page.goto(`/tickets/${created.id}`);
    await agent.page.getByRole("heading", { level: 1, name: /Card printer prints blank cards/ }).waitFor();

    // Links: the https addresses are links that open a new tab; the javascript: one is text.
    const thread = agent.page.locator(".comments");
    const link = thread.getByRole("link", { name: "https://status.example.com" });
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await thread.locator("a").count()).toBe(1);
    expect(await thread.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await thread.innerText()).toContain("javascript:alert(document.cookie)");
    expect(await agent.page.locator(".description a").getAttribute("href")).toBe("https://docs.example.com/badge-printer");

    // One step: the reply and the status in one PATCH.
    await agent.page.getByLabel("Reply", { exact: true }).fill("New ribbon fitted; cards print again.");
    await screenshot(agent.page, "send-and-resolve");
    await agent.page.getByRole("button", { name: "Send and set to Resolved" }).click();
    await agent.page.getByRole("status").filter({ hasText: "Sent. The ticket is now Resolved." }).waitFor();
    await agent.page.locator(".comments").getByText("New ribbon fitted; cards print again.").waitFor();
    await agent.page.locator(".badges").getByText("Resolved", { exact: true }).waitFor();
    expect(await mainText(agent.page)).not.toMatch(/version \d/i);

    const stored = await apiCall<Detail>(requesterToken, "GET", `/api/tickets/${created.id}`);
    expect(stored.status).toBe("resolved");
    expect(stored.comments.map((c) => c.body)).toContain("New ribbon fitted; cards print again.");

    // The requester reads words, not the SLA clocks.
    const requester = await session(browser);
    await signIn(requester.page, email);
    await requester.page.goto(`/tickets/${created.id}`);
    await requester.page.locator(".badges").getByText("We think this is solved. If it isn't, reply and it opens again.").waitFor();
    expect(await requester.page.locator(".badges").innerText()).not.toMatch(/resolved in time|due in|overdue/);
    await Promise.all([agent.context.close(), requester.context.close()]);
  });
});
