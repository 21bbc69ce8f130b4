// When the token runs out, the person is sent to sign in, and back to the same place after.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { REQUESTER } from "@/test/helpers";
import { safeNext } from "./paths";
import { RequireSession } from "./RequireSession";
import { SessionProvider } from "./SessionProvider";

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
