// What every end-to-end test uses: Debian's Chromium through playwright-core (no browser
// download), sign-in, a few direct API calls to set up or check data, and screenshots.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { inject } from "vitest";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const PASSWORD = "Password123";
export const baseURL = (): string => inject("baseURL");

// Without the background-networking flags, Chromium keeps dialling Google's hosts, and
// this machine's closed network refuses those connections.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A separate browser session (own storage), like another person's browser. */
export async function session(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseURL(), viewport, locale: "en-GB", timezoneId: "UTC" });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  return { context, page };
}

export async function signIn(page: Page, email: string): Promise<void> {
  if (!page.url().includes("/login")) await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

// Screenshots go to docs/screenshots when HELPDESK_SCREENSHOTS=docs (to refresh the
// README's pictures), otherwise to web/test-results (ignored by git).
const SHOTS =
  process.env.HELPDESK_SCREENSHOTS === "docs"
    ? resolve(import.meta.dirname, "..", "..", "docs", "screenshots")
    : resolve(import.meta.dirname, "..", "test-results");

/** The text of the page's main region, for plain "is it there" checks. */
export async function mainText(page: Page): Promise<string> {
  return (await page.locator("main").innerText()).replace(/\s+/g, " ");
}

/** No horizontal scrolling: the page is no wider than the viewport. */
export async function fitsTheScreen(page: Page): Promise<boolean> {
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll("body *"))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
  );
  if (wide.length) console.log("wider than the screen:", wide.slice(0, 8));
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Let live clocks and fonts settle, and keep the caret out of the picture.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// --- direct API calls, for setting up data and checking what the browser did ----------

export async function apiToken(email: string): Promise<string> {
  const response = await fetch(`${baseURL()}/api/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** A new requester account (POST /api/register), with the demo password. */
export async function register(email: string, name: string): Promise<void> {
  const response = await fetch(`${baseURL()}/api/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, name, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`register ${email}: ${response.status} ${await response.text()}`);
}

export async function apiCall<T = Record<string, unknown>>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseURL()}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

// --- accounts and accessibility (people.e2e, a11y.e2e) ----------------------------------

/** Sign in with a password of the test's own (signIn uses the demo password). */
export async function signInWith(page: Page, email: string, password: string): Promise<void> {
  if (!page.url().includes("/login")) await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** A request with a token, its status only: to check that a token no longer works. */
export async function apiStatus(token: string, method: string, path: string): Promise<number> {
  const response = await fetch(`${baseURL()}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

export interface A11yProblem {
  rule: string;
  impact: string;
  help: string;
  where: string[];
}

/** axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA,
 * and axe's best practices). */
export async function seriousA11yProblems(page: Page): Promise<A11yProblem[]> {
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact!,
      help: violation.help,
      where: violation.nodes.map((node) => node.target.join(" ")),
    }));
}
