// A closed ticket in a real browser against a real service: no reply box, "Open a
// follow-up" instead, and the follow-up linked to it both ways. The flow uses a requester
// of its own (registered here), so it does not depend on the order the suites run in.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, apiToken, baseURL, launch, mainText, register, screenshot, seriousA11yProblems, session, signIn } from "./support";

type Detail = { id: number; status: string; version: number; follow_up_of: number | null; follow_ups: number[]; requester_id: number; comments: unknown[] };

const REQUESTER = { email: "fiona@my", name: "Fiona Follower" };
const TITLE = "Badge reader at the side door rejects my card";

let browser: Browser;
let closedId: number;

beforeAll(async () => {
  browser = await launch();
  await register(REQUESTER.email, REQUESTER.name);
  const created = await apiCall<Detail>(await apiToken(REQUESTER.email), "POST", "/api/tickets", {
    title: TITLE,
    description: "Red light, three beeps, since Monday.",
  });
  closedId = created.id;
  const response = await fetch(`${baseURL()}/api/tickets/${closedId}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${await apiToken("admin@my")}`, "Content-Type": "application/json", "If-Match": `"${created.version}"` },
    body: JSON.stringify({ status: "closed" }),
  });
  if (!response.ok) throw new Error(`closing: ${response.status} ${await response.text()}`);
});

afterAll(async () => {
  await browser?.close();
});

describe("a closed ticket in a browser", () => {
  it("offers its requester a follow-up, not a reply box, and links the two both ways", async () => {
    const requester = await session(browser);
    const page = requester.page;
    await signIn(page, REQUESTER.email);
    await page.goto(`/tickets/${closedId}`);
    await page.getByRole("button", { name: "Open a follow-up" }).waitFor();
    expect(await mainText(page)).toContain("This ticket is closed: it takes no new replies.");
    expect(await page.getByLabel("Reply", { exact: true }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Send reply" }).count()).toBe(0);

    await page.getByRole("button", { name: "Open a follow-up" }).click();
    await page.waitForURL(`**/tickets/new?follow_up_of=${closedId}`);
    await page.getByRole("heading", { name: "New follow-up" }).waitFor();
    await page.getByText(`Follow-up of #${closedId}: ${TITLE}`).waitFor();
    await expect.poll(() => page.getByLabel("Title").inputValue()).toBe(TITLE);
    await page.getByLabel("Description").fill("It is back: red light again since this morning.");
    await page.getByRole("button", { name: "Create ticket" }).click();
    await page.waitForURL((url) => /^\/tickets\/\d+$/.test(url.pathname) && url.pathname !== `/tickets/${closedId}`);
    const followUpId = Number(new URL(page.url()).pathname.split("/").pop());

    // The new ticket names the closed one; the closed one lists it.
    const facts = page.locator(".facts");
    await facts.getByRole("link", { name: `#${closedId}` }).click();
    await page.waitForURL(`**/tickets/${closedId}`);
    await page.locator(".facts").getByRole("link", { name: `#${followUpId}` }).waitFor();
    expect(await seriousA11yProblems(page)).toEqual([]);
    await screenshot(page, "follow-up");

    const token = await apiToken(REQUESTER.email);
    const followUp = await apiCall<Detail>(token, "GET", `/api/tickets/${followUpId}`);
    expect(followUp).toMatchObject({ status: "open", follow_up_of: closedId, follow_ups: [] });
    const closed = await apiCall<Detail>(token, "GET", `/api/tickets/${closedId}`);
    expect(closed).toMatchObject({ status: "closed", follow_ups: [followUpId], comments: [] });
    await requester.context.close();
  });

  it("an agent sees the same: a follow-up opened by staff is the requester's", async () => {
    const agent = await session(browser);
    await signIn(agent.page, "agent@my");
    await agent.page.goto(`/tickets/${closedId}`);
    await agent.page.getByRole("button", { name: "Open a follow-up" }).click();
    await agent.page.getByRole("heading", { name: "New follow-up" }).waitFor();
    await expect.poll(() => agent.page.getByLabel("Title").inputValue()).toBe(TITLE);
    await agent.page.getByRole("button", { name: "Create ticket" }).click();
    await agent.page.waitForURL((url) => /^\/tickets\/\d+$/.test(url.pathname) && url.pathname !== `/tickets/${closedId}`);
    await agent.page.locator(".facts").getByText(REQUESTER.name).waitFor();
    await agent.context.close();
  });
});
