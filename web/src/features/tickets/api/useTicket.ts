import { useQuery } from "@tanstack/react-query";
import { call, type ApiClient } from "@/lib/api/client";
import type { TicketDetail } from "@/lib/api/types";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";

export interface LoadedTicket {
  ticket: TicketDetail;
  /** The ETag's version: what If-Match must carry. */
  version: number;
}

async function fetchTicket(api: ApiClient, id: number): Promise<LoadedTicket> {
  const { data, response } = await call(api.GET("/api/tickets/{ticket_id}", { params: { path: { ticket_id: id } } }));
  const etag = response.headers.get("ETag");
  const version = etag ? Number(etag.replace(/^W\//, "").replaceAll('"', "")) : data.version;
  return { ticket: data, version: Number.isFinite(version) ? version : data.version };
}

export function useTicket(id: number) {
  const api = useApi();
  return useQuery({ queryKey: keys.ticket(id), queryFn: () => fetchTicket(api, id), enabled: Number.isInteger(id) && id > 0 });
}
