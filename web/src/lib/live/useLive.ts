import { createContext, useContext, useEffect, useRef } from "react";
import type { LiveEvent } from "./events";
import type { StreamStatus } from "./stream";

/** "off": signed out, or a browser without EventSource (the pages still refresh on a timer). */
export type LiveStatus = StreamStatus | "off";

export type LiveListener = (event: LiveEvent) => void;

export interface LiveState {
  status: LiveStatus;
  /** Hear every event; the function returned stops it. */
  subscribe: (listener: LiveListener) => () => void;
}

export const LiveContext = createContext<LiveState | null>(null);

/** The live stream's state; "off" outside a LiveProvider. */
export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext)?.status ?? "off";
}

/** Call `listener` on each live event (its latest version: it may read this render's
 * state); nothing outside a LiveProvider. */
export function useLiveEvent(listener: LiveListener): void {
  const live = useContext(LiveContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  const subscribe = live?.subscribe;
  useEffect(() => subscribe?.((event) => latest.current(event)), [subscribe]);
}
