// Component tests render the real screens with their real providers; only the network is
// replaced: `fakeApi` answers fetch() by method and path, and records every request.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { vi } from "vitest";
import type { TicketDetail, UiConfig, User, UserPage } from "@/lib/api/types";
import { SessionProvider } from "@/lib/session/SessionProvider";
import { allowedFor, LIMITS } from "./apiFacts";

export { allowedFor, LIMITS } from "./apiFacts";

export const REQUESTER: User = { id: 3, name: "Uma User", email: "user@my", role: "user", created_at: "2026-11-01T09:00:00Z" };
export const AGENT: User = { id: 2, name: "Alan Agent", email: "agent@my", role: "agent", created_at: "2026-11-01T09:00:00Z" };
export const OTHER_AGENT: User = { id: 4, name: "Olga Agent", email: "olga@my", role: "agent", created_at: "2026-11-01T09:00:00Z" };
export const ADMIN: User = { id: 1, name: "Ada Admin", email: "admin@my", role: "admin", created_at: "2026-11-01T09:00:00Z" };
const EVERYONE = [ADMIN, AGENT, REQUESTER, OTHER_AGENT];

/** Ticket #5, as its requester sees it (allowed_fields: theirs); for another caller, pass
 * what the API would allow them, e.g. `allowed_fields: allowedFor("claimingAgent")`. */
export function ticket(fields: Partial<TicketDetail> = {}): TicketDetail {
  return {
    id: 5,
    title: "Printer jams",
    description: "Two sheets at once.",
    status: "open",
    priority: "medium",
    requester_id: REQUESTER.id,
    assignee_id: null,
    sla_minutes: 1440,
    due_at: "2026-11-25T09:00:00Z",
    // Past its due date (these dates are behind the tests' clock), not closed: the service
    // says breached. (A ticket past due but not breached would make the page read it again.)
    breached: true,
    version: 1,
    created_at: "2026-11-24T09:00:00Z",
    updated_at: "2026-11-24T09:00:00Z",
    comments: [],
    timeline: [
      { id: 1, ticket_id: 5, actor_id: REQUESTER.id, action: "ticket.created", meta: { priority: "medium" }, created_at: "2026-11-24T09:00:00Z" },
    ],
    allowed_fields: allowedFor("requester"),
    ...fields,
  };
}

export interface Recorded {
  method: string;
  path: string;
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

/** Render `ui` at `path` (matched by `route`), signed in as `user`. */
export function renderAt(ui: ReactNode, { user, path = "/", route = "*" }: { user: User; path?: string; route?: string }) {
  localStorage.setItem(
    "helpdesk.session",
    JSON.stringify({ token: "test-token", expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user }),
  );
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <SessionProvider>
          <Routes>
            <Route path={route} element={ui} />
            <Route path="/login" element={<p>sign-in page</p>} />
          </Routes>
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
