import { describe, expect, it } from "vitest";
import { awaitsFirstResponse, formatMinutesLeft, formatSpan, readFirstResponse, readSla, type FirstResponseTicket, type SlaTicket } from "./sla";

const NOW = Date.parse("2026-11-24T10:00:00Z");
const inMinutes = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

/** A running, open ticket's resolution clock, with `fields` on top. */
const sla = (fields: Partial<SlaTicket>): SlaTicket => ({
  status: "open",
  due_at: inMinutes(180),
  breached: false,
  sla_paused: false,
  sla_remaining_minutes: null,
  resolved_at: null,
  ...fields,
});

/** An open ticket's first-response clock, not answered yet, with `fields` on top. */
const first = (fields: Partial<FirstResponseTicket>): FirstResponseTicket => ({
  status: "open",
  first_response_due_at: inMinutes(12),
  first_responded_at: null,
  first_response_breached: false,
  sla_paused: false,
  ...fields,
});

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

  it.each([
    [190, "3 h 10 min left"],
    [0, "less than a minute left"],
    [-25, "25 min overdue"],
    [-(26 * 60), "1 d 2 h overdue"],
  ])("a paused clock's %i minutes read %s", (minutes, words) => {
    expect(formatMinutesLeft(minutes)).toBe(words);
  });
});

describe("the resolution clock, running", () => {
  it("is overdue when the API says breached, and only then", () => {
    expect(readSla(sla({ due_at: inMinutes(-20), breached: true }), NOW)).toEqual({
      state: "overdue",
      text: "overdue by 20 min",
      pastDue: false,
    });
    // This browser's clock a little ahead of the database's: still overdue, by under a minute.
    expect(readSla(sla({ due_at: inMinutes(1), breached: true }), NOW)).toMatchObject({ text: "overdue by less than a minute" });
  });

  it("past the due date without the API's word, says due now (and asks to be read again)", () => {
    expect(readSla(sla({ due_at: inMinutes(0) }), NOW)).toEqual({ state: "soon", text: "due now", pastDue: true });
    expect(readSla(sla({ due_at: inMinutes(-20), status: "in_progress" }), NOW)).toMatchObject({ text: "due now" });
  });

  it("counts down before the due date", () => {
    expect(readSla(sla({ due_at: inMinutes(1), status: "in_progress" }), NOW)).toEqual({ state: "soon", text: "due in 1 min", pastDue: false });
    expect(readSla(sla({ due_at: inMinutes(180) }), NOW)).toMatchObject({ state: "on-track", text: "due in 3 h" });
  });
});

describe("the resolution clock, paused (pending, on hold)", () => {
  it("reads the time the API kept, not a due date (there is none)", () => {
    const paused = sla({ status: "pending", due_at: null, sla_paused: true, sla_remaining_minutes: 190 });
    expect(readSla(paused, NOW)).toEqual({ state: "paused", text: "paused, 3 h 10 min left", pastDue: false });
    // It does not move with this browser's clock.
    expect(readSla(paused, NOW + 60 * 60_000)).toMatchObject({ text: "paused, 3 h 10 min left" });
  });

  it("paused past its due date: overdue, by the minutes the API says", () => {
    expect(readSla(sla({ status: "on_hold", due_at: null, sla_paused: true, sla_remaining_minutes: -25, breached: true }), NOW)).toEqual({
      state: "overdue",
      text: "paused, 25 min overdue",
      pastDue: false,
    });
  });
});

describe("the resolution clock, stopped (resolved, closed)", () => {
  it("says whether it was resolved in time, from resolved_at and due_at, not a running clock", () => {
    expect(readSla(sla({ status: "resolved", due_at: inMinutes(-30), resolved_at: inMinutes(-90) }), NOW)).toEqual({
      state: "met",
      text: "resolved in time",
      pastDue: false,
    });
    // Resolved late: the API says breached while it stays resolved.
    expect(readSla(sla({ status: "resolved", due_at: inMinutes(-180), resolved_at: inMinutes(-60), breached: true }), NOW)).toEqual({
      state: "overdue",
      text: "resolved 2 h late",
      pastDue: false,
    });
    // Closed: never breached, still late.
    expect(readSla(sla({ status: "closed", due_at: inMinutes(-180), resolved_at: inMinutes(-60) }), NOW)).toEqual({
      state: "closed",
      text: "resolved 2 h late",
      pastDue: false,
    });
    expect(readSla(sla({ status: "closed", due_at: inMinutes(-90), resolved_at: inMinutes(-100) }), NOW)).toMatchObject({ text: "resolved in time" });
  });

  it("without a resolved_at, only says the status", () => {
    expect(readSla(sla({ status: "closed", due_at: inMinutes(-90) }), NOW)).toEqual({ state: "closed", text: "closed", pastDue: false });
  });
});

describe("the first-response clock", () => {
  it("counts down until the first reply, then is overdue on the API's word", () => {
    expect(readFirstResponse(first({}), NOW)).toEqual({ state: "soon", text: "due in 12 min", pastDue: false });
    expect(readFirstResponse(first({ first_response_due_at: inMinutes(-1) }), NOW)).toMatchObject({ text: "due now", pastDue: true });
    expect(readFirstResponse(first({ first_response_due_at: inMinutes(-5), first_response_breached: true }), NOW)).toMatchObject({
      state: "overdue",
      text: "overdue by 5 min",
    });
  });

  it("pauses with the ticket", () => {
    expect(readFirstResponse(first({ status: "pending", first_response_due_at: null, sla_paused: true }), NOW)).toMatchObject({
      state: "paused",
      text: "paused",
    });
  });

  it("once met, says whether the reply came in time; it is owed no more", () => {
    const inTime = first({ first_responded_at: inMinutes(-30), first_response_due_at: inMinutes(-10) });
    expect(readFirstResponse(inTime, NOW)).toMatchObject({ state: "met", text: "sent in time" });
    expect(awaitsFirstResponse(inTime)).toBe(false);
    const late = first({ first_responded_at: inMinutes(-10), first_response_due_at: inMinutes(-30), first_response_breached: true });
    expect(readFirstResponse(late, NOW)).toMatchObject({ state: "overdue", text: "sent 20 min late" });
  });

  it("is owed only while the ticket is not resolved or closed", () => {
    expect(awaitsFirstResponse(first({}))).toBe(true);
    expect(awaitsFirstResponse(first({ status: "on_hold", sla_paused: true }))).toBe(true);
    expect(awaitsFirstResponse(first({ status: "resolved" }))).toBe(false);
    expect(readFirstResponse(first({ status: "closed" }), NOW)).toMatchObject({ state: "closed", text: "not sent" });
  });
});
