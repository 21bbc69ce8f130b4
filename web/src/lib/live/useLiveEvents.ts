import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { call } from "../api/client";
import { useApi } from "../api/useApi";
import { useSession } from "../session/useSession";
import { createInvalidator } from "./invalidation";
import { openStream } from "./stream";
import type { LiveListener, LiveState, LiveStatus } from "./useLive";

/** The signed-in session's live stream: open while someone is signed in (with the
 * session's token, so a renewed token opens it again), closed on sign-out. Each event
 * makes the cache's lists and its ticket stale, then goes to the listeners. */
export function useLiveEvents(): LiveState {
  const api = useApi();
  const signedIn = useSession().session !== null;
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("off");
  const listeners = useRef(new Set<LiveListener>());

  useEffect(() => {
    if (!signedIn || typeof EventSource === "undefined") return;
    const invalidator = createInvalidator(queryClient);
    const close = openStream({
      token: async () => (await call(api.POST("/api/events/stream-token"))).data.token,
      onStatus: setStatus,
      onEvent: (event) => {
        invalidator.add(event);
        for (const listener of listeners.current) listener(event);
      },
      onReconnect: invalidator.all,
      onReset: invalidator.all,
    });
    return () => {
      close();
      invalidator.stop();
      setStatus("off");
    };
  }, [api, signedIn, queryClient]);

  const subscribe = useCallback((listener: LiveListener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  return useMemo(() => ({ status, subscribe }), [status, subscribe]);
}
