// The business hours as the form holds them, and back to the API's shape. The API's week:
// {"mon": [["09:00", "17:00"]], ..., "sun": []}, every day, intervals in order.
import type { BusinessHours, BusinessHoursIn } from "@/lib/api/types";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

export interface Interval {
  start: string;
  end: string;
}

export interface HoursDraft {
  timezone: string;
  week: Record<Weekday, Interval[]>;
  holidays: string[];
}

/** The form's copy of what the API holds; a day the API leaves out has no hours. */
export function toDraft(hours: BusinessHours): HoursDraft {
  const week = {} as Record<Weekday, Interval[]>;
  for (const day of WEEKDAYS) {
    week[day] = (hours.week[day] ?? []).map(([start = "", end = ""]) => ({ start, end }));
  }
  return { timezone: hours.timezone, week, holidays: [...hours.holidays] };
}

/** The PUT body: every day, as typed (the API checks and names the field it refuses). */
export function toBody(draft: HoursDraft): BusinessHoursIn {
  const week: Record<string, string[][]> = {};
  for (const day of WEEKDAYS) week[day] = draft.week[day].map(({ start, end }) => [start.trim(), end.trim()]);
  return { timezone: draft.timezone.trim(), week, holidays: draft.holidays.map((d) => d.trim()) };
}

/** The day an API message about the week names ("week: Monday: 09:00-08:00 ends before
 * it starts"), to mark that day's inputs. */
export function dayNamedIn(message: string | undefined): Weekday | null {
  if (!message) return null;
  return WEEKDAYS.find((day) => message.includes(`${WEEKDAY_NAMES[day]}:`)) ?? null;
}
