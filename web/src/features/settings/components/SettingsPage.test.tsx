// The admins' settings: a row per priority saved on its own, the business hours saved
// together; the API's refusals beside the field they name.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { BusinessHours, SlaPolicy } from "@/lib/api/types";
import { ADMIN, fakeApi, renderAt } from "@/test/helpers";
import { SettingsPage } from "./SettingsPage";

const POLICIES: SlaPolicy[] = [
  { priority: "urgent", first_response_minutes: 15, resolution_minutes: 60, business_hours: false },
  { priority: "high", first_response_minutes: 60, resolution_minutes: 240, business_hours: false },
  { priority: "medium", first_response_minutes: 240, resolution_minutes: 1440, business_hours: false },
  { priority: "low", first_response_minutes: 480, resolution_minutes: 4320, business_hours: false },
];
const WEEKDAY = [["09:00", "17:00"]];
const HOURS: BusinessHours = {
  timezone: "UTC",
  week: { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY, sat: [], sun: [] },
  holidays: ["2026-12-25"],
};
const invalid = (field: string, message: string) => ({ status: 400, body: { error: { code: "FIELD_INVALID", message, field } } });

function openSettings(routes: Parameters<typeof fakeApi>[0] = {}) {
  const api = fakeApi({ "GET /api/sla-policies": [{ body: POLICIES }], "GET /api/business-hours": [{ body: HOURS }], ...routes });
  renderAt(<SettingsPage />, { user: ADMIN, path: "/settings" });
  return api;
}

describe("the SLA policies", () => {
  it("shows a row per priority and saves one row with PUT", async () => {
    const saved = { priority: "high", first_response_minutes: 30, resolution_minutes: 240, business_hours: true };
    const api = openSettings({ "PUT /api/sla-policies/high": [{ body: saved }] });
    const high = await screen.findByRole("group", { name: "High" });
    const rows = within(screen.getByRole("region", { name: "SLA policies" })).getAllByRole("group");
    expect(rows.map((row) => row.querySelector("legend")!.textContent)).toEqual(["Urgent", "High", "Medium", "Low"]);
    const first = within(high).getByLabelText("First response (minutes)");
    expect(first).toHaveValue("60");
    expect(within(high).getByText("= 1 h")).toBeInTheDocument();
    const save = within(high).getByRole("button", { name: "Save High" });
    expect(save).toBeDisabled();

    await userEvent.clear(first);
    await userEvent.type(first, "30");
    await userEvent.click(within(high).getByLabelText("Business hours only"));
    expect(within(high).getByText("= 30 min of business hours")).toBeInTheDocument();
    await userEvent.click(save);
    expect(await within(high).findByText("Saved")).toBeInTheDocument();
    expect(api.sent("PUT", "/api/sla-policies/high")[0]!.body).toEqual({ first_response_minutes: 30, resolution_minutes: 240, business_hours: true });
    // The other rows were not sent.
    expect(api.sent("PUT", "/api/sla-policies/urgent")).toHaveLength(0);
  });

  it("shows the API's refusal under the field it names, in that row", async () => {
    const api = openSettings({
      "PUT /api/sla-policies/low": [invalid("resolution_minutes", "resolution_minutes: Input should be less than or equal to 525600")],
    });
    const low = await screen.findByRole("group", { name: "Low" });
    const resolution = within(low).getByLabelText("Resolution (minutes)");
    await userEvent.clear(resolution);
    await userEvent.type(resolution, "999999");
    await userEvent.click(within(low).getByRole("button", { name: "Save Low" }));
    const message = await within(low).findByText("resolution_minutes: Input should be less than or equal to 525600");
    expect(resolution).toHaveAttribute("aria-invalid", "true");
    expect(resolution).toHaveAttribute("aria-describedby", message.id);
    expect(api.sent("PUT", "/api/sla-policies/low")[0]!.body).toMatchObject({ resolution_minutes: 999999 });
    // Not a number: sent as typed, for the API to name the field.
    await userEvent.clear(resolution);
    await userEvent.type(resolution, "soon");
    await userEvent.click(within(low).getByRole("button", { name: "Save Low" }));
    await waitFor(() => expect(api.sent("PUT", "/api/sla-policies/low")).toHaveLength(2));
    expect(api.sent("PUT", "/api/sla-policies/low")[1]!.body).toMatchObject({ resolution_minutes: "soon" });
  });
});

describe("the business hours", () => {
  it("edits the time zone, each day's hours and the holidays, and saves them with PUT", async () => {
    const api = openSettings({ "PUT /api/business-hours": (request) => ({ body: request.body }) });
    const zone = await screen.findByLabelText("Time zone");
    expect(zone).toHaveValue("UTC");
    expect(screen.getByLabelText("Monday from")).toHaveValue("09:00");
    expect(screen.getByLabelText("Friday until")).toHaveValue("17:00");
    expect(within(screen.getByRole("group", { name: "Saturday" })).getByText("Closed")).toBeInTheDocument();

    await userEvent.clear(zone);
    await userEvent.type(zone, "Europe/Berlin");
    // Monday gets a lunch break: two intervals.
    await userEvent.clear(screen.getByLabelText("Monday until"));
    await userEvent.type(screen.getByLabelText("Monday until"), "12:00");
    await userEvent.click(screen.getByRole("button", { name: "Add hours on Monday" }));
    await userEvent.type(screen.getByLabelText("Monday from (2)"), "13:00");
    await userEvent.type(screen.getByLabelText("Monday until (2)"), "17:00");
    // Saturday opens 09:00–17:00 (the default for a closed day), Friday closes.
    await userEvent.click(screen.getByRole("button", { name: "Add hours on Saturday" }));
    expect(screen.getByLabelText("Saturday from")).toHaveValue("09:00");
    await userEvent.click(screen.getByRole("button", { name: "Remove Friday 09:00–17:00" }));
    // A holiday more, the old one gone.
    await userEvent.click(screen.getByRole("button", { name: "Add a holiday" }));
    await userEvent.type(screen.getByLabelText("Holiday 2"), "2026-12-24");
    await userEvent.click(screen.getByRole("button", { name: "Remove holiday 2026-12-25" }));

    await userEvent.click(screen.getByRole("button", { name: "Save business hours" }));
    expect(await screen.findByText("Business hours saved.")).toBeInTheDocument();
    expect(api.sent("PUT", "/api/business-hours")[0]!.body).toEqual({
      timezone: "Europe/Berlin",
      week: {
        mon: [["09:00", "12:00"], ["13:00", "17:00"]],
        tue: WEEKDAY,
        wed: WEEKDAY,
        thu: WEEKDAY,
        fri: [],
        sat: [["09:00", "17:00"]],
        sun: [],
      },
      holidays: ["2026-12-24"],
    });
  });

  it("an unknown time zone: the API's message under the time zone field", async () => {
    openSettings({ "PUT /api/business-hours": [invalid("timezone", "timezone: unknown time zone Mars/Base")] });
    const zone = await screen.findByLabelText("Time zone");
    await userEvent.clear(zone);
    await userEvent.type(zone, "Mars/Base");
    await userEvent.click(screen.getByRole("button", { name: "Save business hours" }));
    const message = await screen.findByText("timezone: unknown time zone Mars/Base");
    expect(zone).toHaveAttribute("aria-invalid", "true");
    expect(zone).toHaveAttribute("aria-describedby", message.id);
    expect(screen.getByRole("alert")).toHaveTextContent("Please correct the field marked below.");
    expect(screen.queryByText("Business hours saved.")).toBeNull();
  });

  it("a refused week marks the day the message names; a refused holiday list, the dates", async () => {
    openSettings({
      "PUT /api/business-hours": [
        invalid("week", "week: Tuesday: 18:00-09:00 ends before it starts"),
        invalid("holidays", "holidays: dates are written YYYY-MM-DD, e.g. 2026-12-25"),
      ],
    });
    const tuesdayFrom = await screen.findByLabelText("Tuesday from");
    await userEvent.clear(tuesdayFrom);
    await userEvent.type(tuesdayFrom, "18:00");
    await userEvent.click(screen.getByRole("button", { name: "Save business hours" }));
    const message = await screen.findByText("week: Tuesday: 18:00-09:00 ends before it starts");
    expect(message.closest("fieldset")).toHaveTextContent("Opening hours");
    expect(tuesdayFrom).toHaveAttribute("aria-invalid", "true");
    expect(tuesdayFrom).toHaveAttribute("aria-describedby", message.id);
    expect(screen.getByLabelText("Monday from")).not.toHaveAttribute("aria-invalid");

    await userEvent.click(screen.getByRole("button", { name: "Save business hours" }));
    const holidays = await screen.findByText("holidays: dates are written YYYY-MM-DD, e.g. 2026-12-25");
    expect(holidays.closest("fieldset")).toHaveTextContent("Holidays");
    expect(screen.getByLabelText("Holiday 1")).toHaveAttribute("aria-invalid", "true");
    expect(tuesdayFrom).not.toHaveAttribute("aria-invalid");
  });
});
