// Everyone's account page: a new name, and a new password, after which the session goes on
// with the token the service issued (the old one no longer works).
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, renderAt, REQUESTER } from "@/test/helpers";
import { AccountPage } from "./AccountPage";

const RENAMED = { ...REQUESTER, name: "Uma Newname" };
const ISSUED = { token: "fresh-token", token_type: "bearer", expires_at: new Date(Date.now() + 3_600_000).toISOString(), user: REQUESTER };
const stored = () => JSON.parse(localStorage.getItem("helpdesk.session")!) as { token: string; user: { name: string } };

function openAccount(routes: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi(routes);
  renderAt(<AccountPage />, { user: REQUESTER, path: "/account" });
  return api;
}

describe("the account page", () => {
  it("changes the name, in the session too", async () => {
    const api = openAccount({ "PATCH /api/me": [{ body: RENAMED }] });
    const name = screen.getByLabelText("Name");
    expect(name).toHaveFocus();
    expect(screen.getByText("user@my")).toBeInTheDocument();
    await userEvent.clear(name);
    await userEvent.click(screen.getByRole("button", { name: "Save name" }));
    expect(screen.getByText("Name is required")).toBeInTheDocument();
    expect(api.sent("PATCH", "/api/me")).toHaveLength(0);

    await userEvent.type(name, "Uma Newname");
    await userEvent.click(screen.getByRole("button", { name: "Save name" }));
    expect(await screen.findByText("Your name was saved.")).toBeInTheDocument();
    expect(api.sent("PATCH", "/api/me")[0]!.body).toEqual({ name: "Uma Newname" });
    expect(stored().user.name).toBe("Uma Newname");
  });

  it("changes the password, and goes on with the new token", async () => {
    const api = openAccount({ "POST /api/me/password": [{ body: ISSUED }], "PATCH /api/me": [{ body: RENAMED }] });
    await userEvent.type(screen.getByLabelText("Current password"), "Password123");
    await userEvent.type(screen.getByLabelText("New password"), "Better-Password-1");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "Better-Password-2");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(screen.getByText("This does not match the new password")).toBeInTheDocument();
    expect(screen.getByLabelText("Confirm new password")).toHaveFocus();
    expect(api.sent("POST", "/api/me/password")).toHaveLength(0);

    await userEvent.clear(screen.getByLabelText("Confirm new password"));
    await userEvent.type(screen.getByLabelText("Confirm new password"), "Better-Password-1");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Your password was changed. Your other sessions were signed out; this one goes on.");
    expect(api.sent("POST", "/api/me/password")[0]!.body).toEqual({ current_password: "Password123", new_password: "Better-Password-1" });
    expect(stored().token).toBe("fresh-token");
    expect(screen.getByLabelText("Current password")).toHaveValue("");

    // The next request carries the new token.
    await userEvent.clear(screen.getByLabelText("Name"));
    await userEvent.type(screen.getByLabelText("Name"), "Uma Newname");
    await userEvent.click(screen.getByRole("button", { name: "Save name" }));
    await waitFor(() => expect(api.sent("PATCH", "/api/me")).toHaveLength(1));
    expect(api.sent("PATCH", "/api/me")[0]!.headers.get("Authorization")).toBe("Bearer fresh-token");
  });

  it("says a wrong current password, or a short new one, beside its field", async () => {
    openAccount({
      "POST /api/me/password": [
        { status: 400, body: { error: { code: "FIELD_INVALID", message: "Current password is wrong", field: "current_password" } } },
        { status: 400, body: { error: { code: "FIELD_INVALID", message: "new_password: must be 8 to 72 bytes long", field: "new_password" } } },
      ],
    });
    await userEvent.type(screen.getByLabelText("Current password"), "guess");
    await userEvent.type(screen.getByLabelText("New password"), "short");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    const wrong = await screen.findByText("Current password is wrong");
    expect(screen.getByLabelText("Current password")).toHaveAttribute("aria-describedby", wrong.id);

    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    const short = await screen.findByText("New password must be 8 to 72 characters long");
    expect(screen.getByLabelText("New password")).toHaveAttribute("aria-describedby", short.id);
    expect(stored().token).toBe("test-token");
  });
});
