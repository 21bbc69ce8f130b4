// Every create carries an Idempotency-Key per submission: a double click or a retry of the
// same submission reuses it (the service then answers with the same ticket), an edit makes
// the next submission a new one.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AGENT, fakeApi, LIMITS, renderAt, REQUESTER, ticket, uiConfigReply, usersReply } from "@/test/helpers";
import { NewTicketPage } from "./NewTicketPage";

const UNAVAILABLE = { status: 503, body: { error: { code: "SERVICE_UNAVAILABLE", message: "The service is temporarily unavailable; retry shortly" } } };

describe("creating a ticket", () => {
  it("a double click sends one request", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const api = fakeApi({
      "POST /api/tickets": async () => {
        await gate;
        return { status: 201, body: ticket({ id: 9 }) };
      },
    });
    renderAt(<NewTicketPage />, { user: REQUESTER, path: "/tickets/new" });
    await userEvent.type(screen.getByLabelText("Title"), "Laptop will not boot");
    await userEvent.dblClick(screen.getByRole("button", { name: "Create ticket" }));
    release();
    await waitFor(() => expect(api.sent("POST", "/api/tickets")).toHaveLength(1));
    expect(api.sent("POST", "/api/tickets")[0]!.body).toEqual({ title: "Laptop will not boot", description: "", priority: "medium" });
  });

  it("a second submit before the page has rendered again sends nothing either", async () => {
    // userEvent lets React render between two clicks (the button is then disabled); two
    // submits in one go do not.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const api = fakeApi({
      "POST /api/tickets": async () => {
        await gate;
        return { status: 201, body: ticket({ id: 9 }) };
      },
    });
    renderAt(<NewTicketPage />, { user: REQUESTER, path: "/tickets/new" });
    await userEvent.type(screen.getByLabelText("Title"), "Laptop will not boot");
    const form = screen.getByRole("button", { name: "Create ticket" }).closest("form")!;
    fireEvent.submit(form);
    fireEvent.submit(form);
    await waitFor(() => expect(api.sent("POST", "/api/tickets")).toHaveLength(1));
    release();
    await waitFor(() => expect(screen.getByRole("button", { name: "Create ticket" })).toBeEnabled());
    expect(api.sent("POST", "/api/tickets")).toHaveLength(1);
  });

  it("a retry after a failure reuses the key; an edit starts a new submission", async () => {
    const api = fakeApi({ "POST /api/tickets": [UNAVAILABLE] });
    renderAt(<NewTicketPage />, { user: REQUESTER, path: "/tickets/new" });
    const create = screen.getByRole("button", { name: "Create ticket" });
    await userEvent.type(screen.getByLabelText("Title"), "Laptop will not boot");

    await userEvent.click(create);
    expect(await screen.findByRole("alert")).toHaveTextContent("temporarily unavailable");
    await userEvent.click(create);
    await waitFor(() => expect(api.sent("POST", "/api/tickets")).toHaveLength(2));
    await userEvent.type(screen.getByLabelText("Title"), " at all");
    await userEvent.click(create);
    await waitFor(() => expect(api.sent("POST", "/api/tickets")).toHaveLength(3));

    const [first, retry, edited] = api.sent("POST", "/api/tickets").map((r) => r.headers.get("Idempotency-Key"));
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(retry).toBe(first);
    expect(edited).not.toBe(first);
  });

  it("shows the API's refusal in words under the field it names", async () => {
    fakeApi({ "POST /api/tickets": [{ status: 400, body: { error: { code: "FIELD_INVALID", message: "title: must be at most 200 characters", field: "title" } } }] });
    renderAt(<NewTicketPage />, { user: REQUESTER, path: "/tickets/new" });
    await userEvent.type(screen.getByLabelText("Title"), "Laptop will not boot");
    await userEvent.click(screen.getByRole("button", { name: "Create ticket" }));
    const message = await screen.findByText("Title must be at most 200 characters long");
    expect(screen.getByLabelText("Title")).toHaveAttribute("aria-describedby", message.id);
    // A requester is not offered the fields only staff may set.
    expect(screen.queryByLabelText("Assignee")).toBeNull();
    expect(screen.queryByLabelText("SLA in minutes")).toBeNull();
  });
});

describe("the service's limits", () => {
  // Not the service's real numbers: the form must take whatever ui-config says.
  const limits = { ...LIMITS, title_max_length: 120, default_sla_minutes: { low: 2 * 24 * 60, medium: 8 * 60, high: 90, urgent: 30 } };
  const optionTexts = () => Array.from((screen.getByLabelText("Priority") as HTMLSelectElement).options, (o) => o.text);

  it("come from GET /api/ui-config: the title's length, each priority's default SLA", async () => {
    fakeApi({
      "GET /api/ui-config": [uiConfigReply(limits)],
      "GET /api/users": [usersReply()],
      // The agent's policies have not arrived (yet): ui-config's defaults meanwhile.
      "GET /api/sla-policies": () => new Promise(() => {}),
    });
    renderAt(<NewTicketPage />, { user: AGENT, path: "/tickets/new" });
    await waitFor(() => expect(screen.getByLabelText("Title")).toHaveAttribute("maxlength", "120"));
    expect(optionTexts()).toEqual([
      "Low (resolve within 2 d)",
      "Medium (resolve within 8 h)",
      "High (resolve within 1 h 30 min)",
      "Urgent (resolve within 30 min)",
    ]);
    expect(screen.getByLabelText("SLA in minutes")).toHaveAttribute("placeholder", "default for the priority: 480");
  });

  it("for agents and admins, the SLA policies as an admin last set them win over ui-config's defaults", async () => {
    const policies = [
      { priority: "urgent", first_response_minutes: 15, resolution_minutes: 45, business_hours: false },
      { priority: "high", first_response_minutes: 60, resolution_minutes: 240, business_hours: false },
      { priority: "medium", first_response_minutes: 240, resolution_minutes: 600, business_hours: true },
      { priority: "low", first_response_minutes: 480, resolution_minutes: 4320, business_hours: false },
    ];
    fakeApi({ "GET /api/ui-config": [uiConfigReply(limits)], "GET /api/users": [usersReply()], "GET /api/sla-policies": [{ body: policies }] });
    renderAt(<NewTicketPage />, { user: AGENT, path: "/tickets/new" });
    await waitFor(() => expect(optionTexts()[3]).toBe("Urgent (resolve within 45 min)"));
    expect(optionTexts()).toEqual([
      "Low (resolve within 3 d)",
      "Medium (resolve within 10 h of business hours)",
      "High (resolve within 4 h)",
      "Urgent (resolve within 45 min)",
    ]);
    expect(screen.getByLabelText("SLA in minutes")).toHaveAttribute("placeholder", "default for the priority: 600");
  });

  it("until ui-config answers, the form works without them (the API still checks)", async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const api = fakeApi({
      "GET /api/ui-config": async () => {
        await answered;
        return uiConfigReply(limits);
      },
      "POST /api/tickets": [{ status: 201, body: ticket({ id: 9 }) }],
    });
    renderAt(<NewTicketPage />, { user: REQUESTER, path: "/tickets/new" });
    expect(screen.getByLabelText("Title")).not.toHaveAttribute("maxlength");
    expect(optionTexts()).toEqual(["Low", "Medium", "High", "Urgent"]);
    await userEvent.type(screen.getByLabelText("Title"), "Laptop will not boot");
    await userEvent.click(screen.getByRole("button", { name: "Create ticket" }));
    await waitFor(() => expect(api.sent("POST", "/api/tickets")).toHaveLength(1));
    // And once they come, the form takes them.
    answer();
    await waitFor(() => expect(screen.getByLabelText("Title")).toHaveAttribute("maxlength", "120"));
  });
});
