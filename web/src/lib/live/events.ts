// The live stream's messages (GET /api/events/stream): one Server-Sent Event per change,
// `event: <type>`, `data: {"id", "type", "created_at", "data": {...}}`. The OpenAPI
// document gives the stream no schema (it is text/event-stream), so the shape is here.
import type { Comment, Person, Ticket } from "../api/types";

export const EVENT_TYPES = [
  "ticket.created",
  "ticket.updated",
  "comment.created",
  "ticket.sla_breached",
  "ticket.sla_paused",
  "ticket.sla_resumed",
] as const;
export type LiveEventType = (typeof EVENT_TYPES)[number];

export interface LiveEvent {
  /** "evt_123" */
  id: string;
  type: LiveEventType;
  created_at: string;
  data: {
    /** The ticket as the API shows it after the change, without allowed_fields (they are
     * the caller's: read the ticket again for them). */
    ticket: Omit<Ticket, "allowed_fields">;
    /** ticket.updated: each changed field's old and new value. */
    changes?: Record<string, { old: unknown; new: unknown }>;
    /** comment.created */
    comment?: Comment;
    /** ticket.updated, ticket.sla_paused, ticket.sla_resumed: who changed it. */
    actor?: Person;
  };
}

/** The event in a message's data, or null for anything else (never thrown: a message the
 * app does not understand is skipped, the stream goes on). */
export function parseEvent(text: string): LiveEvent | null {
  try {
    const event = JSON.parse(text) as Partial<LiveEvent> | null;
    const ticketId = event?.data?.ticket?.id;
    if (!event || !EVENT_TYPES.includes(event.type as LiveEventType) || typeof ticketId !== "number") return null;
    return event as LiveEvent;
  } catch {
    return null;
  }
}

/** Who made the change an event tells of: the actor of an update, the author of a comment. */
export function eventActor(event: LiveEvent): Person | null {
  return event.data.actor ?? event.data.comment?.author ?? null;
}
