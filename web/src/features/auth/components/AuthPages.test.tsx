// Signing in and signing up: an empty form is not sent, the service's refusals are said in
// words, and a new requester lands on their tickets, signed in.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { SessionProvider } from "@/lib/session/SessionProvider";
import { fakeApi, REQUESTER } from "@/test/helpers";
import { LoginPage } from "./LoginPage";
import { SignUpPage } from "./SignUpPage";

const TOKEN = { token: "new-token", token_type: "bearer", expires_at: new Date(Date.now() + 3_600_000).toISOString(), user: REQUESTER };

function openSignedOut(path: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <SessionProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/tickets" element={<h1>My tickets</h1>} />
          </Routes>
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("signing in", () => {
  it("starts in the email field, and sends nothing while a field is empty", async () => {
    const api = fakeApi({ "POST /api/login": [{ body: TOKEN }] });
    openSignedOut("/login");
    expect(screen.getByLabelText("Email")).toHaveFocus();
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByText("Enter your email")).toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("alert")).toHaveTextContent("Please correct the fields marked below.");

    await userEvent.type(screen.getByLabelText("Email"), "user@my");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.queryByText("Enter your email")).toBeNull();
    expect(screen.getByLabelText("Password")).toHaveFocus();
    expect(api.sent("POST", "/api/login")).toHaveLength(0);
  });

  it("says a deactivated account in plain words", async () => {
    fakeApi({
      "POST /api/login": [{ status: 403, body: { error: { code: "ACCOUNT_DEACTIVATED", message: "This account is deactivated; ask an admin to reactivate it" } } }],
    });
    openSignedOut("/login");
    await userEvent.type(screen.getByLabelText("Email"), "gone@my");
    await userEvent.type(screen.getByLabelText("Password"), "Password123");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("This account has been deactivated");
  });

  it("offers a new requester an account", async () => {
    fakeApi({});
    openSignedOut("/login");
    const link = screen.getByRole("link", { name: "Create an account" });
    expect(link.parentElement).toHaveTextContent("New here? Create an account");
    await userEvent.click(link);
    expect(await screen.findByRole("heading", { name: "Create your Helpdesk account" })).toBeInTheDocument();
  });
});

describe("signing up", () => {
  it("makes a requester's account, signs in with it and lands on My tickets", async () => {
    const api = fakeApi({
      "POST /api/register": [{ status: 201, body: REQUESTER }],
      "POST /api/login": [{ body: TOKEN }],
    });
    openSignedOut("/signup");
    expect(screen.getByLabelText("Name")).toHaveFocus();
    await userEvent.type(screen.getByLabelText("Name"), "Uma User");
    await userEvent.type(screen.getByLabelText("Email"), "user@my");
    await userEvent.type(screen.getByLabelText("Password"), "Password123");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    expect(await screen.findByRole("heading", { name: "My tickets" })).toBeInTheDocument();
    expect(api.sent("POST", "/api/register")[0]!.body).toEqual({ name: "Uma User", email: "user@my", password: "Password123", role: "user" });
    expect(api.sent("POST", "/api/login")[0]!.body).toEqual({ email: "user@my", password: "Password123" });
    expect(JSON.parse(localStorage.getItem("helpdesk.session")!).token).toBe("new-token");
  });

  it("checks the fields first, then says the service's refusal beside its field", async () => {
    const api = fakeApi({
      "POST /api/register": [{ status: 400, body: { error: { code: "FIELD_INVALID", message: "password: must be 8 to 72 bytes long", field: "password" } } }],
    });
    openSignedOut("/signup");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(screen.getByText("Name is required")).toBeInTheDocument();
    expect(api.sent("POST", "/api/register")).toHaveLength(0);

    await userEvent.type(screen.getByLabelText("Name"), "Uma User");
    await userEvent.type(screen.getByLabelText("Email"), "user@my");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    const message = await screen.findByText("Password must be 8 to 72 characters long");
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-describedby", message.id);
    await waitFor(() => expect(api.sent("POST", "/api/register")).toHaveLength(1));
  });
});
