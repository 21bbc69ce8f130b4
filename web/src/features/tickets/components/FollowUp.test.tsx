// A closed ticket takes no new comment: its page offers "Open a follow-up" instead of the
// reply box, the form that opens follows it up, and each ticket links to the other.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import type { User } from "@/lib/api/types";
import { AGENT, allowedFor, fakeApi, renderAt, REQUESTER, ticket, ticketReply, usersReply } from "@/test/helpers";
import { NewTicketPage } from "./NewTicketPage";
import { TicketPage } from "./TicketPage";

const closed = ticket({ status: "closed", resolved_at: "2026-11-25T09:00:00Z", breached: false, first_response_breached: false });

function desk(user: User, path: string, routes: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi({ "GET /api/users": [usersReply()], ...routes });
  renderAt(
    <Routes>
      <Route path="tickets/new" element={<NewTicketPage />} />
      <Route path="tickets/:id" element={<TicketPage />} />
    </Routes>,
    { user, path },
  );
  return api;
}

describe("a closed ticket", () => {
  it.each([
    ["its requester", REQUESTER],
    ["an agent", AGENT],
  ])("offers %s a follow-up instead of the reply box", async (_, user) => {
    desk(user, "/tickets/5", { "GET /api/tickets/5": [ticketReply({ ...closed, allowed_fields: allowedFor(user === AGENT ? "claimingAgent" : "requester") })] });
    expect(await screen.findByRole("button", { name: "Open a follow-up" })).toBeInTheDocument();
    expect(screen.getByText(/This ticket is closed: it takes no new replies/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Reply")).toBeNull();
    expect(screen.queryByRole("button", { name: "Send reply" })).toBeNull();
  });

  it("an open ticket has the reply box and no follow-up", async () => {
    desk(REQUESTER, "/tickets/5", { "GET /api/tickets/5": [ticketReply(ticket())] });
    expect(await screen.findByLabelText("Reply")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Open a follow-up" })).toBeNull();
  });

  it("opens the new-ticket form following it up, with its title, and links the two both ways", async () => {
    const created = ticket({ id: 9, title: "Printer jams again", follow_up_of: 5 });
    const api = desk(REQUESTER, "/tickets/5", {
      "GET /api/tickets/5": [ticketReply(closed)],
      "POST /api/tickets": [{ status: 201, body: created }],
      "GET /api/tickets/9": [ticketReply(created)],
    });
    await userEvent.click(await screen.findByRole("button", { name: "Open a follow-up" }));

    expect(await screen.findByRole("heading", { name: "New follow-up" })).toBeInTheDocument();
    expect(screen.getByText(/Follow-up of/)).toHaveTextContent("Follow-up of #5: Printer jams");
    await waitFor(() => expect(screen.getByLabelText("Title")).toHaveValue("Printer jams"));
    await userEvent.type(screen.getByLabelText("Title"), " again");
    await userEvent.click(screen.getByRole("button", { name: "Create ticket" }));

    await waitFor(() => expect(api.sent("POST", "/api/tickets")).toHaveLength(1));
    expect(api.sent("POST", "/api/tickets")[0]!.body).toEqual({ title: "Printer jams again", description: "", priority: "medium", follow_up_of: 5 });
    const facts = await screen.findByText("Follow-up of");
    expect(within(facts.parentElement!).getByRole("link", { name: "#5" })).toHaveAttribute("href", "/tickets/5");
  });

  it("lists its follow-ups as links", async () => {
    desk(AGENT, "/tickets/5", { "GET /api/tickets/5": [ticketReply({ ...closed, follow_ups: [7, 8] })] });
    await screen.findByText("Follow-ups");
    expect(screen.getByRole("link", { name: "#7" })).toHaveAttribute("href", "/tickets/7");
    expect(screen.getByRole("link", { name: "#8" })).toHaveAttribute("href", "/tickets/8");
  });

  it("shows the service's refusal of what it follows up beside it", async () => {
    desk(REQUESTER, "/tickets/new?follow_up_of=5", {
      "GET /api/tickets/5": [ticketReply(ticket())],
      "POST /api/tickets": [
        {
          status: 400,
          body: { error: { code: "FIELD_INVALID", message: "follow_up_of: this ticket is not closed; reply on it instead", field: "follow_up_of" } },
        },
      ],
    });
    await waitFor(() => expect(screen.getByLabelText("Title")).toHaveValue("Printer jams"));
    await userEvent.click(screen.getByRole("button", { name: "Create ticket" }));
    expect(await screen.findByText("This ticket is not closed; reply on it instead")).toBeInTheDocument();
  });
});
