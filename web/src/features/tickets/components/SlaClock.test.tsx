import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
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

  it("counts down to the due date, live, then asks for the API's word on the breach", () => {
    const onDue = vi.fn();
    const dueAt = inMinutes(180);
    const { rerender } = render(<SlaClock ticket={{ due_at: dueAt, status: "open", breached: false }} onDue={onDue} />);
    const clock = screen.getByText("due in 3 h");
    expect(clock).toHaveAttribute("datetime", dueAt);
    expect(clock).toHaveClass("sla-on-track");

    // No re-render from outside: the clock's own timer moves it on.
    act(() => vi.advanceTimersByTime(150 * 60_000));
    expect(screen.getByText("due in 30 min")).toHaveClass("sla-soon");
    expect(onDue).not.toHaveBeenCalled();

    // Past the due date by this browser's clock: not "overdue" on its own say-so; the
    // ticket is read again, once.
    act(() => vi.advanceTimersByTime(50 * 60_000));
    expect(screen.getByText("due now")).toHaveClass("sla-soon");
    expect(screen.queryByText(/overdue/)).toBeNull();
    expect(onDue).toHaveBeenCalledTimes(1);

    // The API says breached: overdue, counting how late the ticket is, live.
    rerender(<SlaClock ticket={{ due_at: dueAt, status: "open", breached: true }} onDue={onDue} />);
    expect(screen.getByText(/overdue by 20 min/)).toHaveClass("sla-overdue");
    act(() => vi.advanceTimersByTime(10 * 60_000));
    expect(screen.getByText(/overdue by 30 min/)).toHaveClass("sla-overdue");
    expect(onDue).toHaveBeenCalledTimes(1);
  });

  it("stops for a closed ticket, even past its due date", () => {
    render(<SlaClock ticket={{ due_at: inMinutes(-90), status: "closed", breached: false }} />);
    expect(screen.getByText("closed")).toHaveClass("sla-closed");
    expect(screen.queryByText(/overdue/)).toBeNull();
  });

  it("still runs for a resolved ticket the API says is breached", () => {
    render(<SlaClock ticket={{ due_at: inMinutes(-5), status: "resolved", breached: true }} />);
    expect(screen.getByText(/overdue by 5 min/)).toBeInTheDocument();
  });
});
