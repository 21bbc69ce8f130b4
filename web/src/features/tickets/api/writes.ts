// The ticket's writes. A change carries If-Match (the version it started from: 409 when
// someone saved meanwhile); a create or a comment carries its submission's Idempotency-Key.
import { call, type ApiClient } from "@/lib/api/client";
import type { CommentCreate, TicketCreate, TicketUpdate } from "@/lib/api/types";

export async function updateTicket(api: ApiClient, ticketId: number, version: number, body: TicketUpdate) {
  const headers = { "if-match": `"${version}"` };
  return (await call(api.PATCH("/api/tickets/{ticket_id}", { params: { path: { ticket_id: ticketId }, header: headers }, body }))).data;
}

export async function createTicket(api: ApiClient, body: TicketCreate, idempotencyKey: string) {
  const headers = { "Idempotency-Key": idempotencyKey };
  return (await call(api.POST("/api/tickets", { body, params: { header: headers } }))).data;
}

/** A reply to the requester, or (`internal`, agents and admins only) an internal note. */
export async function addComment(api: ApiClient, ticketId: number, body: CommentCreate, idempotencyKey: string) {
  return (
    await call(
      api.POST("/api/tickets/{ticket_id}/comments", {
        params: { path: { ticket_id: ticketId }, header: { "Idempotency-Key": idempotencyKey } },
        body,
      }),
    )
  ).data;
}
