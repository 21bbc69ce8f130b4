// One live stream: a fresh stream token (valid 60 s), then an EventSource on
// /api/events/stream?token=... On an error the EventSource is closed rather than left to
// reconnect by itself (it would reuse the URL, with a token expired by then) and opened
// again with a fresh token, after a wait that grows with each failure in a row. EventSource
// cannot send Last-Event-ID on a connection of its own, so what happened during a break is
// not replayed: `onReconnect` says when to read everything again. A stream too far behind
// to replay what it missed gets one `reset` message (then the service ends it): read
// everything again too.
import { EVENT_TYPES, parseEvent, type LiveEvent } from "./events";

export type StreamStatus = "connecting" | "live" | "reconnecting";

/** The waits before each new attempt, failures in a row; the last one repeats. */
export const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000] as const;

/** The message that says events were missed and will not be replayed. */
export const RESET_EVENT = "reset";

export interface StreamOptions {
  /** A fresh stream token (POST /api/events/stream-token). */
  token: () => Promise<string>;
  onEvent: (event: LiveEvent) => void;
  onStatus: (status: StreamStatus) => void;
  /** Open again after a break (or after a first attempt failed): events were missed. */
  onReconnect: () => void;
  /** The service will not replay what was missed: read everything again. */
  onReset: () => void;
}

/** Open the stream; the function returned closes it for good. */
export function openStream({ token, onEvent, onStatus, onReconnect, onReset }: StreamOptions): () => void {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let missed = false;
  let closed = false;

  function retry() {
    if (closed) return;
    missed = true;
    onStatus("reconnecting");
    const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
    failures += 1;
    timer = setTimeout(() => void connect(), delay);
  }

  async function connect() {
    let fresh: string;
    try {
      fresh = await token();
    } catch {
      retry();
      return;
    }
    if (closed) return;
    const url = new URL("/api/events/stream", window.location.origin);
    url.searchParams.set("token", fresh);
    const opened = new EventSource(url);
    source = opened;
    opened.addEventListener("open", () => {
      failures = 0;
      onStatus("live");
      if (missed) {
        missed = false;
        onReconnect();
      }
    });
    const receive = (message: MessageEvent<string>) => {
      const event = parseEvent(message.data);
      if (event) onEvent(event);
    };
    for (const type of EVENT_TYPES) opened.addEventListener(type, receive as EventListener);
    opened.addEventListener(RESET_EVENT, () => onReset());
    opened.addEventListener("error", () => {
      opened.close();
      if (source !== opened) return;
      source = null;
      retry();
    });
  }

  onStatus("connecting");
  void connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
    source = null;
  };
}
