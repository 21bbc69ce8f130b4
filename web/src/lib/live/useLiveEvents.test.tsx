// The live stream keeps the query cache up to date: any ticket event makes every list and
// count stale, and the page of the ticket it is about; it opens on a fresh stream token,
// and closes on sign-out.
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AGENT, comment, fakeApi, person, renderAt, REQUESTER, ticket } from "@/test/helpers";
import { liveEvent, streamTokens, stubEventSource } from "@/test/fakeEventSource";
import { keys } from "../queryKeys";
import { useSession } from "../session/useSession";
import type { LiveEventType } from "./events";
import { useLiveEvent } from "./useLive";

const LIST = [...keys.tickets, { breachedView: false, offset: 0 }];
const COUNT = [...keys.tickets, "count", { assignee: "me" }];
const SEEDED: QueryKey[] = [LIST, COUNT, keys.ticket(5), keys.ticket(6), keys.me, keys.users];

function seed(queryClient: QueryClient) {
  for (const key of SEEDED) queryClient.setQueryData(key, { seeded: true });
}

const stale = (queryClient: QueryClient) => SEEDED.filter((key) => queryClient.getQueryState(key)?.isInvalidated);

function SignOut() {
  const { signOut } = useSession();
  return (
    <button type="button" onClick={signOut}>
      Sign out
    </button>
  );
}

describe("the live stream", () => {
  let stream: ReturnType<typeof stubEventSource>;
  let api: ReturnType<typeof fakeApi>;
  beforeEach(() => {
    stream = stubEventSource();
    api = fakeApi({ "POST /api/events/stream-token": streamTokens() });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("opens with a stream token from the signed-in session, and closes on sign-out", async () => {
    renderAt(<SignOut />, { user: AGENT, live: true });
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    const [post] = api.sent("POST", "/api/events/stream-token");
    expect(post!.headers.get("Authorization")).toBe("Bearer test-token");
    expect(stream.latest().url).toBe(`${window.location.origin}/api/events/stream?token=s1`);

    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(stream.latest().readyState).toBe(EventSource.CLOSED);
    expect(stream.opened).toHaveLength(1);
  });

  it.each<LiveEventType>([
    "ticket.created",
    "ticket.updated",
    "comment.created",
    "ticket.sla_breached",
    "ticket.sla_paused",
    "ticket.sla_resumed",
  ])(
    "%s: every list and count is stale, and that ticket's page, nothing else",
    async (type) => {
      const { queryClient } = renderAt(<p>page</p>, { user: AGENT, live: true });
      seed(queryClient);
      await waitFor(() => expect(stream.opened).toHaveLength(1));
      stream.latest().open();
      expect(stale(queryClient)).toEqual([]);

      stream.latest().send(liveEvent(type, ticket({ id: 5 })));
      await waitFor(() => expect(stale(queryClient)).toEqual([LIST, COUNT, keys.ticket(5)]));
    },
  );

  it("reads a burst of events' lists once, and each ticket they name", async () => {
    const { queryClient } = renderAt(<p>page</p>, { user: AGENT, live: true });
    seed(queryClient);
    const invalidate = vi.spyOn(queryClient, "invalidateQueries");
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    stream.latest().open();
    stream.latest().send(liveEvent("ticket.updated", ticket({ id: 5, version: 2 })));
    stream.latest().send(liveEvent("comment.created", ticket({ id: 5, version: 2 }), { comment: comment(REQUESTER, "Thanks") }));
    stream.latest().send(liveEvent("ticket.updated", ticket({ id: 6, version: 4 }), { actor: person(AGENT) }));
    await waitFor(() => expect(stale(queryClient)).toEqual([LIST, COUNT, keys.ticket(5), keys.ticket(6)]));
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toEqual([keys.tickets, keys.ticket(5), keys.ticket(6)]);
  });

  it("on a busy desk, reads again at most once every 5 s, with every ticket named meanwhile", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { queryClient } = renderAt(<p>page</p>, { user: AGENT, live: true });
      const invalidate = vi.spyOn(queryClient, "invalidateQueries");
      const reads = () => invalidate.mock.calls.map(([filters]) => filters?.queryKey);
      await waitFor(() => expect(stream.opened).toHaveLength(1));
      stream.latest().open();

      stream.latest().send(liveEvent("ticket.updated", ticket({ id: 5, version: 2 })));
      await act(() => vi.advanceTimersByTimeAsync(250));
      expect(reads()).toEqual([keys.tickets, keys.ticket(5)]);

      // Two more soon after: read together, 5 s after the first read.
      stream.latest().send(liveEvent("ticket.updated", ticket({ id: 6, version: 2 })));
      await act(() => vi.advanceTimersByTimeAsync(1_000));
      stream.latest().send(liveEvent("ticket.created", ticket({ id: 7 })));
      await act(() => vi.advanceTimersByTimeAsync(3_000));
      expect(reads()).toHaveLength(2);
      await act(() => vi.advanceTimersByTimeAsync(1_000));
      expect(reads().slice(2)).toEqual([keys.tickets, keys.ticket(6), keys.ticket(7)]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("on a reset, reads every list, count and ticket page again, nothing else", async () => {
    const { queryClient } = renderAt(<p>page</p>, { user: AGENT, live: true });
    seed(queryClient);
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    stream.latest().open();
    expect(stale(queryClient)).toEqual([]);

    stream.latest().reset("evt_12000");
    await waitFor(() => expect(stale(queryClient)).toEqual([LIST, COUNT, keys.ticket(5), keys.ticket(6)]));
  });

  it("hands each event to the listeners, and skips a message it does not understand", async () => {
    const heard: string[] = [];
    function Listener() {
      useLiveEvent((event) => heard.push(`${event.type} #${event.data.ticket.id}`));
      return null;
    }
    renderAt(<Listener />, { user: REQUESTER, live: true });
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    const source = stream.latest();
    source.open();
    act(() => {
      source.dispatchEvent(new MessageEvent("ticket.updated", { data: "not json" }));
    });
    source.send(liveEvent("ticket.updated", ticket({ id: 7 })));
    expect(heard).toEqual(["ticket.updated #7"]);
  });
});
