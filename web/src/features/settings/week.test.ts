import { describe, expect, it } from "vitest";
import { dayNamedIn, toBody, toDraft } from "./week";

const HOURS = {
  timezone: "UTC",
  // The API's order of days may be any; a day left out is closed.
  week: { fri: [["09:00", "17:00"]], mon: [["09:00", "12:00"], ["13:00", "17:00"]], sun: [] },
  holidays: ["2026-12-25"],
};

describe("the business hours form's copy", () => {
  it("has every weekday in order, and goes back as the API's body, every day included", () => {
    const draft = toDraft(HOURS);
    expect(Object.keys(draft.week)).toEqual(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    expect(draft.week.mon).toEqual([
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "17:00" },
    ]);
    expect(draft.week.tue).toEqual([]);
    draft.timezone = " Europe/Berlin ";
    draft.week.sat.push({ start: "10:00 ", end: "14:00" });
    draft.holidays.push("2026-12-24");
    expect(toBody(draft)).toEqual({
      timezone: "Europe/Berlin",
      week: {
        mon: [["09:00", "12:00"], ["13:00", "17:00"]],
        tue: [],
        wed: [],
        thu: [],
        fri: [["09:00", "17:00"]],
        sat: [["10:00", "14:00"]],
        sun: [],
      },
      holidays: ["2026-12-25", "2026-12-24"],
    });
    // The API's answer was not changed on the way.
    expect(HOURS.holidays).toEqual(["2026-12-25"]);
  });

  it("finds the day an API message names", () => {
    expect(dayNamedIn("week: Monday: 09:00-08:00 ends before it starts")).toBe("mon");
    expect(dayNamedIn("week: Sunday: intervals overlap")).toBe("sun");
    expect(dayNamedIn("week: a policy counts in business hours, so the week needs some hours")).toBeNull();
    expect(dayNamedIn(undefined)).toBeNull();
  });
});
