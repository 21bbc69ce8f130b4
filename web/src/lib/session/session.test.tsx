// When the token runs out, the person is sent to sign in, and back to the same place after;
// a password change's new token replaces the old one, and the session goes on.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi, REQUESTER } from "@/test/helpers";
import { useApi } from "../api/useApi";
import { safeNext } from "./paths";
import { RequireSession } from "./RequireSession";
import { SessionProvider } from "./SessionProvider";
import { useSession } from "./useSession";

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname + location.search}</p>;
}

function renderSignedIn(expiresInMs: number, path: string) {
  localStorage.setItem(
    "helpdesk.session",
    JSON.stringify({ token: "t", expiresAt: new Date(Date.now() + expiresInMs).toISOString(), user: REQUESTER }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <SessionProvider>
          <Routes>
            <Route path="/login" element={<Where />} />
            <Route
              path="*"
              element={
                <RequireSession>
                  <p>signed in</p>
                </RequireSession>
              }
            />
          </Routes>
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("session expiry", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("goes to sign in when the token's time is up, keeping the place", () => {
    vi.useFakeTimers();
    renderSignedIn(60_000, "/tickets/5?tab=comments");
    expect(screen.getByText("signed in")).toBeInTheDocument();

    act(() => vi.advanceTimersByTime(61_000));
    expect(screen.getByTestId("where")).toHaveTextContent("/login?next=%2Ftickets%2F5%3Ftab%3Dcomments&reason=expired");
    expect(localStorage.getItem("helpdesk.session")).toBeNull();
  });

  it("a session stored with an expired token counts as expired on load", () => {
    renderSignedIn(-1_000, "/queue");
    expect(screen.getByTestId("where")).toHaveTextContent("/login?next=%2Fqueue&reason=expired");
  });
});

describe("where sign-in returns to", () => {
  it.each([
    ["/tickets/5", "/tickets/5"],
    [null, "/"],
    ["//evil.example/x", "/"],
    ["https://evil.example", "/"],
  ])("next=%s goes to %s", (next, target) => {
    expect(safeNext(next)).toBe(target);
  });
});

describe("a renewed token (after a password change)", () => {
  it("replaces the stored one; a late 401 to the old token does not end the session, one to the new token does", async () => {
    fakeApi({ "GET /api/me": [{ status: 401, body: { error: { code: "UNAUTHORIZED", message: "Token was revoked; sign in again" } } }] });
    localStorage.setItem("helpdesk.session", JSON.stringify({ token: "old", expiresAt: new Date(Date.now() + 60_000).toISOString(), user: REQUESTER }));
    const seen: { api?: ReturnType<typeof useApi>; renew?: ReturnType<typeof useSession>["renew"] } = {};
    function Probe() {
      seen.api = useApi();
      seen.renew = useSession().renew;
      return <p>signed in</p>;
    }
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter initialEntries={["/account"]}>
          <SessionProvider>
            <Routes>
              <Route path="/login" element={<Where />} />
              <Route path="*" element={<RequireSession><Probe /></RequireSession>} />
            </Routes>
          </SessionProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const oldApi = seen.api!;
    act(() => {
      seen.renew!({ token: "new", token_type: "bearer", expires_at: new Date(Date.now() + 60_000).toISOString(), user: REQUESTER });
    });
    expect(JSON.parse(localStorage.getItem("helpdesk.session")!).token).toBe("new");

    await act(async () => {
      await oldApi.GET("/api/me");
    });
    expect(screen.getByText("signed in")).toBeInTheDocument();

    await act(async () => {
      await seen.api!.GET("/api/me");
    });
    expect(screen.getByTestId("where")).toHaveTextContent("/login?next=%2Faccount&reason=expired");
  });
});

describe("the account read again (GET /api/me)", () => {
  function Probe({ seen }: { seen: { updateUser?: ReturnType<typeof useSession>["updateUser"] } }) {
    seen.updateUser = useSession().updateUser;
    return <p>{useSession().session?.user.name}</p>;
  }

  it("writes the stored session only when the account changed, so another tab's change of it stands", () => {
    localStorage.setItem("helpdesk.session", JSON.stringify({ token: "t", expiresAt: new Date(Date.now() + 60_000).toISOString(), user: REQUESTER }));
    const seen: { updateUser?: ReturnType<typeof useSession>["updateUser"] } = {};
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter>
          <SessionProvider>
            <Probe seen={seen} />
          </SessionProvider>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    // Another tab signs out (or signs in as someone else) meanwhile.
    localStorage.setItem("helpdesk.session", "changed elsewhere");
    act(() => seen.updateUser!({ ...REQUESTER }));
    expect(localStorage.getItem("helpdesk.session")).toBe("changed elsewhere");

    act(() => seen.updateUser!({ ...REQUESTER, name: "Renamed Requester" }));
    expect(JSON.parse(localStorage.getItem("helpdesk.session")!).user.name).toBe("Renamed Requester");
    expect(screen.getByText("Renamed Requester")).toBeInTheDocument();
  });
});
