// The admins' people page: find people, add an agent, change a role, deactivate and
// reactivate, each after a confirmation; the service's refusals in plain words.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it } from "vitest";
import type { User, UserPage } from "@/lib/api/types";
import { ADMIN, AGENT, fakeApi, OTHER_AGENT, renderAt, REQUESTER } from "@/test/helpers";
import { PeoplePage } from "./PeoplePage";

const EVERYONE = [ADMIN, AGENT, REQUESTER, OTHER_AGENT];
const page = (items: User[]): { body: UserPage } => ({ body: { items, next_offset: null } });
const refused = (code: string, message: string, field: string) => ({ status: 409, body: { error: { code, message, field } } });

// jsdom has <dialog> but not its showModal() and close(): the browser's part, faked.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.open = false;
    this.dispatchEvent(new Event("close"));
  };
});

function openPeople(routes: Parameters<typeof fakeApi>[0] = {}, path = "/people") {
  const api = fakeApi({ "GET /api/users": [page(EVERYONE)], ...routes });
  renderAt(<PeoplePage />, { user: ADMIN, path });
  return api;
}

const row = (name: string) => screen.getByRole("row", { name: new RegExp(`^${name}`) });
const dialog = () => screen.getByRole("dialog");

describe("the people page", () => {
  it("lists everyone, the admin as “you”, and searches and filters through the API", async () => {
    const api = openPeople();
    expect(await screen.findByRole("row", { name: /^Ada Admin ?\(you\)/ })).toBeInTheDocument();
    expect(within(row("Alan Agent")).getByRole("combobox", { name: "Role of Alan Agent" })).toHaveValue("agent");
    expect(within(row("Uma User")).getByText("Active")).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Name or email"), "olga");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    await userEvent.selectOptions(screen.getByLabelText("Role"), "agent");
    await userEvent.selectOptions(screen.getByLabelText("Account"), "false");
    await waitFor(() => expect(api.sent("GET", "/api/users").at(-1)!.query.get("active")).toBe("false"));
    const last = api.sent("GET", "/api/users").at(-1)!.query;
    expect(Object.fromEntries(last)).toEqual({ query: "olga", role: "agent", active: "false", offset: "0" });
  });

  it("adds an agent: the fields are checked first, then POST /api/register with the role", async () => {
    const added: User = { ...OTHER_AGENT, id: 9, name: "Nina New", email: "nina@my" };
    const api = openPeople({ "POST /api/register": [{ status: 201, body: added }] });
    await userEvent.click(await screen.findByRole("button", { name: "Add an agent or admin" }));
    const form = within(dialog());
    expect(form.getByLabelText("Name")).toHaveFocus();

    await userEvent.click(form.getByRole("button", { name: "Add agent" }));
    expect(form.getByText("Name is required")).toBeInTheDocument();
    expect(form.getByText("Email is required")).toBeInTheDocument();
    expect(form.getByText("Password is required")).toBeInTheDocument();
    expect(form.getByLabelText("Name")).toHaveFocus();
    expect(api.sent("POST", "/api/register")).toHaveLength(0);

    await userEvent.type(form.getByLabelText("Name"), "Nina New");
    await userEvent.type(form.getByLabelText("Email"), "nina@my");
    await userEvent.type(form.getByLabelText("Password"), "Password123");
    await userEvent.click(form.getByRole("button", { name: "Add agent" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Nina New was added as an agent");
    const [sent] = api.sent("POST", "/api/register");
    expect(sent!.body).toEqual({ name: "Nina New", email: "nina@my", password: "Password123", role: "agent" });
    expect(sent!.headers.get("Authorization")).toBe("Bearer test-token");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("says a taken email beside the email field", async () => {
    openPeople({ "POST /api/register": [{ status: 409, body: { error: { code: "EMAIL_TAKEN", message: "An account with this email already exists", field: "email" } } }] });
    await userEvent.click(await screen.findByRole("button", { name: "Add an agent or admin" }));
    const form = within(dialog());
    await userEvent.type(form.getByLabelText("Name"), "Alan Again");
    await userEvent.type(form.getByLabelText("Email"), "agent@my");
    await userEvent.type(form.getByLabelText("Password"), "Password123");
    await userEvent.selectOptions(form.getByLabelText("Role"), "admin");
    await userEvent.click(form.getByRole("button", { name: "Add admin" }));
    const message = await form.findByText("An account with this email already exists");
    expect(form.getByLabelText("Email")).toHaveAttribute("aria-describedby", message.id);
  });

  it("changes a role only after the confirmation; cancelling (Escape too) changes nothing", async () => {
    const promoted = { ...AGENT, role: "admin" as const };
    const api = openPeople({ "PATCH /api/users/2": [{ body: promoted }] });
    const role = await screen.findByRole("combobox", { name: "Role of Alan Agent" });

    await userEvent.selectOptions(role, "admin");
    expect(dialog()).toHaveAccessibleName("Make Alan Agent an admin?");
    await userEvent.click(within(dialog()).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(role).toHaveValue("agent");

    await userEvent.selectOptions(role, "admin");
    // Escape: the browser fires "cancel" on the open dialog.
    fireEvent(dialog(), new Event("cancel", { cancelable: true }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(api.sent("PATCH", "/api/users/2")).toHaveLength(0);

    await userEvent.selectOptions(role, "admin");
    await userEvent.click(within(dialog()).getByRole("button", { name: "Make an admin" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Alan Agent is now an admin.");
    expect(api.sent("PATCH", "/api/users/2")[0]!.body).toEqual({ role: "admin" });
  });

  it("deactivates and reactivates, saying what it means first", async () => {
    const gone = { ...AGENT, active: false };
    const api = openPeople({
      "GET /api/users": [page(EVERYONE), page([ADMIN, gone, REQUESTER, OTHER_AGENT])],
      "PATCH /api/users/2": [{ body: gone }, { body: AGENT }],
    });
    await userEvent.click(await screen.findByRole("button", { name: "Deactivate Alan Agent" }));
    expect(dialog()).toHaveTextContent("Alan Agent is signed out at once and can no longer sign in.");
    // Taking access away: the safe button has the focus.
    expect(within(dialog()).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.click(within(dialog()).getByRole("button", { name: "Deactivate" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Alan Agent was deactivated and signed out.");
    expect(api.sent("PATCH", "/api/users/2")[0]!.body).toEqual({ active: false });

    await userEvent.click(await screen.findByRole("button", { name: "Reactivate Alan Agent" }));
    await userEvent.click(within(dialog()).getByRole("button", { name: "Reactivate" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Alan Agent was reactivated and can sign in again.");
    expect(api.sent("PATCH", "/api/users/2")[1]!.body).toEqual({ active: true });
  });

  it.each([
    ["demoting oneself", "role", refused("CANNOT_CHANGE_OWN_ACCOUNT", "You cannot demote or deactivate your own account", "role"), "You can't demote yourself"],
    ["deactivating oneself", "active", refused("CANNOT_CHANGE_OWN_ACCOUNT", "You cannot demote or deactivate your own account", "active"), "You can't deactivate yourself"],
    ["the last admin", "role", refused("LAST_ADMIN", "This is the last active admin: it cannot be demoted or deactivated", "role"), "There must always be one active admin"],
  ])("says the service's refusal of %s in plain words, in the dialog", async (_case, field, reply, words) => {
    openPeople({ "PATCH /api/users/1": [reply] });
    if (field === "role") {
      await userEvent.selectOptions(await screen.findByRole("combobox", { name: "Role of Ada Admin" }), "agent");
      await userEvent.click(within(dialog()).getByRole("button", { name: "Make an agent" }));
    } else {
      await userEvent.click(await screen.findByRole("button", { name: "Deactivate Ada Admin" }));
      await userEvent.click(within(dialog()).getByRole("button", { name: "Deactivate" }));
    }
    expect(await within(dialog()).findByRole("alert")).toHaveTextContent(words);
    await userEvent.click(within(dialog()).getByRole("button", { name: "Cancel" }));
    expect(screen.getByRole("combobox", { name: "Role of Ada Admin" })).toHaveValue("admin");
  });
});
