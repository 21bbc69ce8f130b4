// Component tests render the real screens with their real providers; only the network is
// replaced: `fakeApi` answers fetch() by method and path, and records every request.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { vi } from "vitest";
import type { Comment, Person, Ticket, TicketDetail, TimelineEntry, UiConfig, User, UserPage } from "@/lib/api/types";
import { LiveProvider } from "@/lib/live/LiveProvider";
import { SessionProvider } from "@/lib/session/SessionProvider";
import { allowedFor, LIMITS } from "./apiFacts";

export { allowedFor, LIMITS } from "./apiFacts";

export const REQUESTER: User = { id: 3, name: "Uma User", email: "user@my", role: "user", created_at: "2026-11-01T09:00:00Z", active: true };
export const AGENT: User = { id: 2, name: "Alan Agent", email: "agent@my", role: "agent", created_at: "2026-11-01T09:00:00Z", active: true };
export const OTHER_AGENT: User = { id: 4, name: "Olga Agent", email: "olga@my", role: "agent", created_at: "2026-11-01T09:00:00Z", active: true };
export const ADMIN: User = { id: 1, name: "Ada Admin", email: "admin@my", role: "admin", created_at: "2026-11-01T09:00:00Z", active: true };
const EVERYONE = [ADMIN, AGENT, REQUESTER, OTHER_AGENT];

/** A user as the API names them on a comment or a history line. */
export function person(user: User): Person {
  return { id: user.id, name: user.name, role: user.role };
}

/** A comment on ticket #5 (public unless `internal`). */
export function comment(author: User, body: string, fields: Partial<Comment> = {}): Comment {
  return { id: 1, ticket_id: 5, author_id: author.id, author: person(author), body, internal: false, created_at: "2026-11-24T09:30:00Z", ...fields };
}

/** A history line of ticket #5. */
export function entry(actor: User, action: TimelineEntry["action"], meta: TimelineEntry["meta"], fields: Partial<TimelineEntry> = {}): TimelineEntry {
  return { id: 2, ticket_id: 5, actor_id: actor.id, actor: person(actor), action, meta, created_at: "2026-11-24T09:05:00Z", ...fields };
}

/** The person the API names for `id`, one of the tests' users (null: nobody). */
function personOf(id: number | null): Person | null {
  if (id === null) return null;
  const user = EVERYONE.find((u) => u.id === id);
  if (!user) throw new Error(`no test user has id ${id}`);
  return person(user);
}

/** Ticket #5, as its requester sees it (allowed_fields: theirs); for another caller, pass
 * what the API would allow them, e.g. `allowed_fields: allowedFor("claimingAgent")`. Its
 * `requester` and `assignee` are the users its ids name, unless given. */
export function ticket(fields: Partial<TicketDetail> = {}): TicketDetail {
  const requesterId = fields.requester_id ?? REQUESTER.id;
  const assigneeId = fields.assignee_id ?? null;
  return {
    requester: personOf(requesterId)!,
    assignee: personOf(assigneeId),
    id: 5,
    title: "Printer jams",
    description: "Two sheets at once.",
    status: "open",
    priority: "medium",
    requester_id: REQUESTER.id,
    assignee_id: null,
    follow_up_of: null,
    sla_minutes: 1440,
    due_at: "2026-11-25T09:00:00Z",
    // Past its due date (these dates are behind the tests' clock), not closed: the service
    // says breached. (A ticket past due but not breached would make the page read it again.)
    breached: true,
    // Not answered yet, and its first-response target passed too.
    first_response_due_at: "2026-11-24T13:00:00Z",
    first_responded_at: null,
    first_response_breached: true,
    sla_paused: false,
    sla_remaining_minutes: null,
    resolved_at: null,
    version: 1,
    created_at: "2026-11-24T09:00:00Z",
    updated_at: "2026-11-24T09:00:00Z",
    follow_ups: [],
    comments: [],
    timeline: [entry(REQUESTER, "ticket.created", { priority: "medium" }, { id: 1, created_at: "2026-11-24T09:00:00Z" })],
    allowed_fields: allowedFor("requester"),
    ...fields,
  };
}

/** A list item as GET /api/tickets sends it (no comments or timeline), within its targets. */
export function item(fields: Partial<Ticket>): Ticket {
  const { follow_ups: _f, comments: _c, timeline: _t, ...rest } = ticket({ breached: false, first_response_breached: false, ...fields });
  return rest;
}

/** A page of GET /api/tickets, the last one. */
export const page = (items: Ticket[]) => ({ body: { items, next_offset: null, next_cursor: null } });

export interface Recorded {
  method: string;
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
type Handler = (request: Recorded) => Reply | Promise<Reply>;

/** Replace fetch: `routes` maps "METHOD /path" to a handler (or a list of replies, used in
 * order, the last one repeated). Unknown requests fail the test loudly. GET /api/ui-config
 * answers the service's limits unless `routes` says otherwise. */
export function fakeApi(givenRoutes: Record<string, Handler | Reply[]>) {
  const routes: Record<string, Handler | Reply[]> = { "GET /api/ui-config": [uiConfigReply()], ...givenRoutes };
  const requests: Recorded[] = [];
  const used = new Map<string, number>();
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      const url = new URL(input.url);
      const text = input.method === "GET" ? "" : await input.clone().text();
      const recorded: Recorded = {
        method: input.method,
        path: url.pathname,
        query: url.searchParams,
        headers: new Headers(input.headers),
        body: text ? JSON.parse(text) : undefined,
      };
      requests.push(recorded);
      const name = `${input.method} ${url.pathname}`;
      const route = routes[name];
      if (!route) throw new Error(`unexpected request ${name}`);
      let reply: Reply;
      if (Array.isArray(route)) {
        const index = used.get(name) ?? 0;
        used.set(name, index + 1);
        reply = route[Math.min(index, route.length - 1)]!;
      } else {
        reply = await route(recorded);
      }
      return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
        status: reply.status ?? 200,
        headers: { "Content-Type": "application/json", ...reply.headers },
      });
    }),
  );
  return { sent: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path) };
}

/** The ticket as GET /api/tickets/{id} answers it, with its ETag. */
export function ticketReply(detail: TicketDetail): Reply {
  return { body: detail, headers: { ETag: `"${detail.version}"` } };
}

/** GET /api/ui-config outside the demo configuration: no demo accounts, the limits. */
export function uiConfigReply(limits = LIMITS): Reply {
  const body: UiConfig = { demo_accounts: [], demo_password: null, limits };
  return { body };
}

export function usersReply(): Reply {
  const body: UserPage = { items: EVERYONE, next_offset: null };
  return { body };
}

/** Render `ui` at `path` (matched by `route`), signed in as `user`; with `live`, under the
 * app's live stream too (stub EventSource and answer POST /api/events/stream-token). */
export function renderAt(ui: ReactNode, { user, path = "/", route = "*", live = false }: { user: User; path?: string; route?: string; live?: boolean }) {
  localStorage.setItem(
    "helpdesk.session",
    JSON.stringify({ token: "test-token", expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user }),
  );
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const routes = (
    <Routes>
      <Route path={route} element={ui} />
      <Route path="/login" element={<p>sign-in page</p>} />
    </Routes>
  );
  const rendered = render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <SessionProvider>{live ? <LiveProvider>{routes}</LiveProvider> : routes}</SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...rendered, queryClient };
}
