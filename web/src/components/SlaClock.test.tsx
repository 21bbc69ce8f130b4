import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatSpan, readSla } from "../tickets/sla";
import { SlaClock } from "./SlaClock";

const NOW = Date.parse("2026-11-24T10:00:00Z");
const inMinutes = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

describe("the SLA clock", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts down to the due date and then counts how late the ticket is, live", () => {
    render(<SlaClock dueAt={inMinutes(180)} status="open" />);
    const clock = screen.getByText("due in 3 h");
    expect(clock).toHaveAttribute("datetime", inMinutes(180));
    expect(clock).toHaveClass("sla-on-track");

    // No re-render from outside: the clock's own timer moves it on.
    act(() => vi.advanceTimersByTime(150 * 60_000));
    expect(screen.getByText("due in 30 min")).toHaveClass("sla-soon");

    act(() => vi.advanceTimersByTime(50 * 60_000));
    const late = screen.getByText(/overdue by 20 min/);
    expect(late).toHaveClass("sla-overdue");
  });

  it("stops for a closed ticket, even past its due date", () => {
    render(<SlaClock dueAt={inMinutes(-90)} status="closed" />);
    expect(screen.getByText("closed")).toHaveClass("sla-closed");
    expect(screen.queryByText(/overdue/)).toBeNull();
  });

  it("still runs for a resolved ticket, as the API's breached rule does", () => {
    render(<SlaClock dueAt={inMinutes(-5)} status="resolved" />);
    expect(screen.getByText(/overdue by 5 min/)).toBeInTheDocument();
  });
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

  it("is due at the due instant itself, as the service counts it", () => {
    expect(readSla(inMinutes(0), "open", NOW)).toEqual({ state: "overdue", text: "overdue by less than a minute" });
    expect(readSla(inMinutes(1), "in_progress", NOW)).toEqual({ state: "soon", text: "due in 1 min" });
  });
});
