// The app updates on its own: a ticket filed elsewhere appears in the open queue, and the
// header says whether the live stream is connected, in words. A broken stream is opened
// again on a fresh stream token (the old one has expired by then), after 1 s, then 2 s...,
// and everything on screen is read again, since what happened meanwhile was not sent.
import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { liveEvent, streamTokens, stubEventSource } from "@/test/fakeEventSource";
import { AGENT, fakeApi, item, page, renderAt, ticket, usersReply } from "@/test/helpers";
import { AppRoutes } from "./AppRoutes";

const PRINTER = item({ id: 11, title: "Printer jams" });
const FILED = item({ id: 12, title: "Mouse double-clicks" });

const indicator = () => within(screen.getByRole("banner")).getByRole("status");
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe("live updates in the app", () => {
  let stream: ReturnType<typeof stubEventSource>;
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    stream = stubEventSource();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function openQueue(tokenReplies?: Parameters<typeof fakeApi>[0][string]) {
    let filed = false;
    const api = fakeApi({
      "GET /api/me": [{ body: AGENT }],
      "GET /api/users": [usersReply()],
      "GET /api/tickets/count": [{ body: { count: 1, exact: true } }],
      "GET /api/tickets": () => page(filed ? [PRINTER, FILED] : [PRINTER]),
      "POST /api/events/stream-token": tokenReplies ?? streamTokens(),
    });
    renderAt(<AppRoutes />, { user: AGENT, path: "/queue", live: true });
    return { api, file: () => (filed = true) };
  }

  it("shows a ticket filed elsewhere in the open queue, and says Live in the header", async () => {
    const desk = openQueue();
    await screen.findByRole("link", { name: "Printer jams" });
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    expect(indicator()).toHaveTextContent("Live updates: Connecting…");
    stream.latest().open();
    expect(indicator()).toHaveTextContent(/^Live updates on$/);

    desk.file();
    stream.latest().send(liveEvent("ticket.created", ticket({ id: 12, title: "Mouse double-clicks" })));
    expect(await screen.findByRole("link", { name: "Mouse double-clicks" })).toBeInTheDocument();
  });

  it("after an error: closes the stream, says Reconnecting…, opens it again on a fresh token with a growing wait, then reads the pages again", async () => {
    const desk = openQueue();
    await screen.findByRole("link", { name: "Printer jams" });
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    const first = stream.latest();
    expect(first.token).toBe("s1");
    first.open();

    first.fail();
    expect(first.readyState).toBe(EventSource.CLOSED);
    expect(indicator()).toHaveTextContent("Live updates: Reconnecting…");
    await advance(900);
    expect(stream.opened).toHaveLength(1);
    await advance(150);
    await waitFor(() => expect(stream.opened).toHaveLength(2));
    expect(stream.latest().token).toBe("s2");

    // Refused again before it opened: the next wait is longer.
    stream.latest().fail();
    await advance(1_800);
    expect(stream.opened).toHaveLength(2);
    await advance(250);
    await waitFor(() => expect(stream.opened).toHaveLength(3));
    expect(stream.latest().token).toBe("s3");
    expect(desk.api.sent("POST", "/api/events/stream-token")).toHaveLength(3);

    const listReads = desk.api.sent("GET", "/api/tickets").length;
    desk.file();
    stream.latest().open();
    expect(indicator()).toHaveTextContent(/^Live updates on$/);
    // Missed while away: the list is read again, and shows it.
    expect(await screen.findByRole("link", { name: "Mouse double-clicks" })).toBeInTheDocument();
    expect(desk.api.sent("GET", "/api/tickets").length).toBeGreaterThan(listReads);

    // Connected again: the waits start over.
    stream.latest().fail();
    await advance(1_050);
    await waitFor(() => expect(stream.opened).toHaveLength(4));
  });

  it("tries again when the stream token cannot be had (the service is away)", async () => {
    const tokens = streamTokens();
    let asked = 0;
    openQueue(() => (++asked === 1 ? { status: 503, body: { error: { code: "SERVICE_UNAVAILABLE", message: "The database does not answer" } } } : tokens()));
    await screen.findByRole("link", { name: "Printer jams" });
    await waitFor(() => expect(indicator()).toHaveTextContent("Live updates: Reconnecting…"));
    expect(stream.opened).toHaveLength(0);
    await advance(1_050);
    await waitFor(() => expect(stream.opened).toHaveLength(1));
    expect(stream.latest().token).toBe("s1");
    stream.latest().open();
    expect(indicator()).toHaveTextContent(/^Live updates on$/);
  });
});
