// A change of page moves the focus to the new page's main heading, or to its form's first
// field; the header links to the account page and, for admins, to the people page.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ADMIN, fakeApi, renderAt, usersReply } from "@/test/helpers";
import { AppRoutes } from "./AppRoutes";

function openApp(path: string) {
  fakeApi({
    "GET /api/me": [{ body: ADMIN }],
    "GET /api/users": [usersReply()],
    "GET /api/sla-policies": [{ body: [] }],
  });
  renderAt(<AppRoutes />, { user: ADMIN, path });
}

const nav = () => within(screen.getByRole("navigation", { name: "Main" }));

describe("focus on a change of page", () => {
  it("goes to the main heading, which a screen reader then reads first", async () => {
    openApp("/account");
    // The first page keeps the browser's own start (the skip link first); its form field
    // has the focus it asked for.
    expect(await screen.findByLabelText("Name")).toHaveFocus();
    await userEvent.click(nav().getByRole("link", { name: "People" }));
    const heading = await screen.findByRole("heading", { level: 1, name: "People" });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(heading).toHaveAttribute("tabindex", "-1");
  });

  it("goes to the first field of a page that is a form", async () => {
    openApp("/people");
    await screen.findByRole("heading", { level: 1, name: "People" });
    await userEvent.click(nav().getByRole("link", { name: "New ticket" }));
    await waitFor(() => expect(screen.getByLabelText("Title")).toHaveFocus());
  });

  it("the header names the person, links their account, and says no role twice", async () => {
    openApp("/people");
    const account = await screen.findByRole("link", { name: /Ada Admin/ });
    expect(account).toHaveTextContent(/^Ada Admin · admin/);
    await userEvent.click(account);
    await screen.findByRole("heading", { level: 1, name: "Your account" });
  });
});
