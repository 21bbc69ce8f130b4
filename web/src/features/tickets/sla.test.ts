import { describe, expect, it } from "vitest";
import { formatSpan, readSla } from "./sla";

const NOW = Date.parse("2026-11-24T10:00:00Z");
const inMinutes = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

describe("the clock's words", () => {
  it.each([
    [20_000, "less than a minute"],
    [45 * 60_000, "45 min"],
    [3 * 3_600_000, "3 h"],
    [(2 * 60 + 30) * 60_000, "2 h 30 min"],
    [(14 * 60 + 30) * 60_000, "14 h"],
    [(28 * 60) * 60_000, "1 d 4 h"],
    [12 * 86_400_000 + 3_600_000, "12 d"],
    [-20 * 60_000, "20 min"],
  ])("%i ms reads %s", (ms, words) => {
    expect(formatSpan(ms)).toBe(words);
  });

  it("is overdue when the API says breached, and only then", () => {
    expect(readSla({ due_at: inMinutes(-20), status: "open", breached: true }, NOW)).toEqual({
      state: "overdue",
      text: "overdue by 20 min",
      pastDue: false,
    });
    // A resolved ticket still runs, as the API's rule does: its word, not the browser's.
    expect(readSla({ due_at: inMinutes(-5), status: "resolved", breached: true }, NOW)).toMatchObject({ state: "overdue" });
    // This browser's clock a little ahead of the database's: still overdue, by under a minute.
    expect(readSla({ due_at: inMinutes(1), status: "open", breached: true }, NOW)).toMatchObject({
      text: "overdue by less than a minute",
    });
  });

  it("past the due date without the API's word, says due now (and asks to be read again)", () => {
    expect(readSla({ due_at: inMinutes(0), status: "open", breached: false }, NOW)).toEqual({ state: "soon", text: "due now", pastDue: true });
    expect(readSla({ due_at: inMinutes(-20), status: "in_progress", breached: false }, NOW)).toMatchObject({ text: "due now" });
  });

  it("counts down before the due date, and stops for a closed ticket", () => {
    expect(readSla({ due_at: inMinutes(1), status: "in_progress", breached: false }, NOW)).toEqual({
      state: "soon",
      text: "due in 1 min",
      pastDue: false,
    });
    expect(readSla({ due_at: inMinutes(180), status: "open", breached: false }, NOW)).toMatchObject({ state: "on-track", text: "due in 3 h" });
    expect(readSla({ due_at: inMinutes(-90), status: "closed", breached: false }, NOW)).toEqual({ state: "closed", text: "closed", pastDue: false });
  });
});
