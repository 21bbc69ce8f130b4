// The browser's EventSource, replaced: each one the app opens is recorded, and a test opens
// it, sends it events and breaks it. jsdom has no EventSource of its own.
import { act } from "@testing-library/react";
import { vi } from "vitest";
import type { LiveEvent, LiveEventType } from "@/lib/live/events";
import type { Comment, Person, TicketDetail } from "@/lib/api/types";

export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly url: string;
  readyState = FakeEventSource.CONNECTING;

  constructor(url: string | URL) {
    super();
    this.url = String(url);
  }

  /** The stream token in the URL. */
  get token(): string | null {
    return new URL(this.url).searchParams.get("token");
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  /** The service answered: the stream is open. */
  open(): void {
    act(() => {
      this.readyState = FakeEventSource.OPEN;
      this.dispatchEvent(new Event("open"));
    });
  }

  /** One message of the stream. */
  send(event: LiveEvent): void {
    act(() => {
      this.dispatchEvent(new MessageEvent(event.type, { data: JSON.stringify(event), lastEventId: event.id }));
    });
  }

  /** The service's `reset`: too far behind to replay what was missed. */
  reset(latest: string): void {
    act(() => {
      this.dispatchEvent(new MessageEvent("reset", { data: JSON.stringify({ latest }), lastEventId: latest }));
    });
  }

  /** The connection broke (or the service refused it). */
  fail(): void {
    act(() => {
      this.readyState = FakeEventSource.CONNECTING;
      this.dispatchEvent(new Event("error"));
    });
  }
}

/** Replace EventSource for this test; `opened` lists each one the app made, in order. */
export function stubEventSource() {
  const opened: FakeEventSource[] = [];
  vi.stubGlobal(
    "EventSource",
    class extends FakeEventSource {
      constructor(url: string | URL) {
        super(url);
        opened.push(this);
      }
    },
  );
  return {
    opened,
    latest: (): FakeEventSource => {
      const last = opened.at(-1);
      if (!last) throw new Error("no EventSource was opened");
      return last;
    },
  };
}

let nextId = 1;

/** An event about `ticket` as the stream sends it (the ticket without allowed_fields). */
export function liveEvent(
  type: LiveEventType,
  ticket: TicketDetail,
  extra: { actor?: Person; comment?: Comment; changes?: LiveEvent["data"]["changes"] } = {},
): LiveEvent {
  const { allowed_fields: _allowed, comments: _comments, timeline: _timeline, ...shown } = ticket;
  return { id: `evt_${nextId++}`, type, created_at: "2026-11-24T10:00:00Z", data: { ticket: shown, ...extra } };
}

/** POST /api/events/stream-token's answers: one token after another ("s1", "s2", ...). */
export function streamTokens() {
  let issued = 0;
  return () => ({ body: { token: `s${++issued}`, expires_at: "2026-11-24T10:01:00Z" } });
}
