// The navigation offers each role its pages: people and settings to admins only (their
// pages send anyone else to their start page); a requester's "New ticket" is on My tickets.
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { BusinessHours, User } from "@/lib/api/types";
import { ADMIN, AGENT, fakeApi, renderAt, REQUESTER, usersReply } from "@/test/helpers";
import { AppRoutes } from "./AppRoutes";

const HOURS: BusinessHours = { timezone: "UTC", week: {}, holidays: [] };

function openApp(user: User, path: string) {
  fakeApi({
    "GET /api/me": [{ body: user }],
    "GET /api/users": [usersReply()],
    "GET /api/tickets": [{ body: { items: [], next_offset: null } }],
    "GET /api/sla-policies": [{ body: [] }],
    "GET /api/business-hours": [{ body: HOURS }],
  });
  renderAt(<AppRoutes />, { user, path });
}

const navLinks = () => within(screen.getByRole("navigation", { name: "Main" })).getAllByRole("link").map((link) => link.textContent);

describe("the navigation", () => {
  it("links the settings for admins, who may open them", async () => {
    openApp(ADMIN, "/settings");
    expect(await screen.findByRole("heading", { name: "Settings" })).toBeInTheDocument();
    expect(navLinks()).toEqual(["Queue", "Breached", "New ticket", "People", "Settings"]);
  });

  it.each([
    [AGENT, "Queue", ["Queue", "Breached", "New ticket"]],
    [REQUESTER, "My tickets", ["My tickets"]],
  ])("has no settings for anyone else, and the settings page sends them to their start page", async (user, home, links) => {
    openApp(user, "/settings");
    expect(await screen.findByRole("heading", { name: home })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Settings" })).toBeNull();
    expect(navLinks()).toEqual(links);
  });
});
