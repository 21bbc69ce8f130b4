// Server state through TanStack Query: one key per resource, so a write can refresh
// exactly what it changed.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { isStaff, useSession } from "../auth/session";
import { api, call, type TicketDetail, type User, type UserPage } from "./client";

export const PAGE_SIZE = 20;
// The queue and lists refresh on their own this often (well under the API's rate limit).
export const LIST_REFRESH_MS = 30_000;
const USERS_PAGE = 100;
const MAX_USER_PAGES = 20;

export const keys = {
  ticket: (id: number) => ["ticket", id] as const,
  tickets: ["tickets"] as const,
  users: ["users"] as const,
  uiConfig: ["ui-config"] as const,
  me: ["me"] as const,
};

export interface LoadedTicket {
  ticket: TicketDetail;
  /** The ETag's version: what If-Match must carry. */
  version: number;
}

export async function fetchTicket(id: number): Promise<LoadedTicket> {
  const { data, response } = await call(api.GET("/api/tickets/{ticket_id}", { params: { path: { ticket_id: id } } }));
  const etag = response.headers.get("ETag");
  const version = etag ? Number(etag.replace(/^W\//, "").replaceAll('"', "")) : data.version;
  return { ticket: data, version: Number.isFinite(version) ? version : data.version };
}

export function useTicket(id: number) {
  return useQuery({ queryKey: keys.ticket(id), queryFn: () => fetchTicket(id), enabled: Number.isInteger(id) && id > 0 });
}

export interface ListParams {
  breachedView: boolean;
  status?: string;
  assignee?: string;
  breached?: "true" | "false";
  query?: string;
  offset: number;
}

export function useTicketList(params: ListParams) {
  return useQuery({
    queryKey: [...keys.tickets, params],
    queryFn: async () => {
      const query = {
        status: params.status || undefined,
        assignee: params.assignee || undefined,
        breached: params.breached,
        query: params.query || undefined,
        limit: PAGE_SIZE,
        offset: params.offset,
      };
      const request = params.breachedView
        ? api.GET("/api/tickets/breached", { params: { query } })
        : api.GET("/api/tickets", { params: { query } });
      return (await call(request)).data;
    },
    placeholderData: keepPreviousData,
    refetchInterval: LIST_REFRESH_MS,
  });
}

/** Every account, for names and the assignee picker. Agents and admins only: the API
 * does not let a requester list users. */
export function useDirectory() {
  const { session } = useSession();
  const staff = session ? isStaff(session.user) : false;
  const query = useQuery({
    queryKey: keys.users,
    enabled: staff,
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const users: User[] = [];
      let offset: number | null = 0;
      for (let page = 0; offset !== null && page < MAX_USER_PAGES; page++) {
        const { data }: { data: UserPage } = await call(api.GET("/api/users", { params: { query: { limit: USERS_PAGE, offset } } }));
        users.push(...data.items);
        offset = data.next_offset;
      }
      return users;
    },
  });
  return useMemo(() => {
    const byId = new Map<number, User>((query.data ?? []).map((u) => [u.id, u]));
    const assignable = (query.data ?? []).filter((u) => isStaff(u));
    return { byId, assignable };
  }, [query.data]);
}

/** A person's name from their id, as far as the caller may know it. */
export function useNameOf(): (id: number | null | undefined) => string {
  const { session } = useSession();
  const { byId } = useDirectory();
  return (id) => {
    if (id === null || id === undefined) return "Unassigned";
    if (session && id === session.user.id) return `${session.user.name} (you)`;
    const user = byId.get(id);
    if (user) return user.name;
    // A requester cannot list users: anyone else on their ticket is the support team.
    return session && isStaff(session.user) ? `User #${id}` : "Support team";
  };
}

export function useUiConfig() {
  return useQuery({
    queryKey: keys.uiConfig,
    queryFn: async () => (await call(api.GET("/api/ui-config"))).data,
    staleTime: Infinity,
    retry: false,
  });
}
