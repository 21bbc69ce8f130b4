// Every main screen, checked by axe-core (@axe-core/playwright) in a real browser at a
// desktop and a phone width: no serious or critical finding. The people page's dialog is
// checked open too. Its requester and ticket are its own, so the other suites' data does
// not matter here, nor this suite's to them.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiCall, apiToken, DESKTOP, launch, PHONE, register, seriousA11yProblems, session, signIn } from "./support";

const REQUESTER = { email: "alex@my", name: "Alex Access" };

type Who = "signed-out" | "admin" | "requester";
interface Screen {
  name: string;
  who: Who;
  path: () => string;
  /** The page's main heading, once its data is in. */
  heading: string | RegExp;
  /** What to do on the page before the check (open a dialog). */
  then?: (page: Page) => Promise<void>;
}

let browser: Browser;
let ticketId: number;

const SCREENS: Screen[] = [
  { name: "sign-in", who: "signed-out", path: () => "/login", heading: "Sign in to Helpdesk" },
  { name: "sign-up", who: "signed-out", path: () => "/signup", heading: "Create your Helpdesk account" },
  { name: "queue", who: "admin", path: () => "/queue", heading: "Queue" },
  { name: "my tickets", who: "requester", path: () => "/tickets", heading: "My tickets" },
  { name: "ticket page (requester)", who: "requester", path: () => `/tickets/${ticketId}`, heading: /Scanner on floor 2/ },
  { name: "ticket page (admin)", who: "admin", path: () => `/tickets/${ticketId}`, heading: /Scanner on floor 2/ },
  { name: "new ticket", who: "admin", path: () => "/tickets/new", heading: "New ticket" },
  { name: "people", who: "admin", path: () => "/people", heading: "People" },
  {
    name: "people, adding someone",
    who: "admin",
    path: () => "/people",
    heading: "People",
    then: async (page) => {
      await page.getByRole("button", { name: "Add an agent or admin" }).click();
      await page.getByRole("dialog", { name: "Add an agent or admin" }).waitFor();
    },
  },
  { name: "account", who: "admin", path: () => "/account", heading: "Your account" },
  { name: "settings", who: "admin", path: () => "/settings", heading: "Settings" },
];

beforeAll(async () => {
  browser = await launch();
  await register(REQUESTER.email, REQUESTER.name);
  const token = await apiToken(REQUESTER.email);
  const created = await apiCall<{ id: number }>(token, "POST", "/api/tickets", {
    title: "Scanner on floor 2 saves blank pages",
    description: "Every scan since Monday is blank. The guide: https://docs.example.com/scanner",
    priority: "high",
  });
  ticketId = created.id;
  await apiCall(token, "POST", `/api/tickets/${ticketId}/comments`, { body: "It happens in colour and in black and white." });
});

afterAll(async () => {
  await browser?.close();
});

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("axe-core at %s width", (_width, viewport) => {
  const contexts = new Map<Who, { context: BrowserContext; page: Page }>();

  beforeAll(async () => {
    for (const who of ["signed-out", "admin", "requester"] as const) {
      const opened = await session(browser, viewport);
      if (who === "admin") await signIn(opened.page, "admin@my");
      if (who === "requester") await signIn(opened.page, REQUESTER.email);
      contexts.set(who, opened);
    }
  });

  afterAll(async () => {
    await Promise.all([...contexts.values()].map(({ context }) => context.close()));
  });

  it.each(SCREENS.map((screen) => [screen.name, screen] as const))("%s: no serious or critical finding", async (_name, screen) => {
    const { page } = contexts.get(screen.who)!;
    await page.goto(screen.path());
    await page.getByRole("heading", { level: 1, name: screen.heading }).waitFor();
    await page.locator(".loading").first().waitFor({ state: "detached" });
    await screen.then?.(page);
    const problems = await seriousA11yProblems(page);
    if (problems.length) console.log(`axe on ${screen.name} (${_width}):`, JSON.stringify(problems, null, 2));
    expect(problems).toEqual([]);
  });
});
