import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ticket } from "@/test/helpers";
import { FirstResponseClock } from "./FirstResponseClock";
import { SlaClock } from "./SlaClock";

const NOW = Date.parse("2026-11-24T10:00:00Z");
const inMinutes = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();
/** An open ticket, running and within its targets, with `fields` on top. */
const running = (fields: Parameters<typeof ticket>[0] = {}) =>
  ticket({ breached: false, first_response_breached: false, due_at: inMinutes(180), first_response_due_at: inMinutes(30), ...fields });

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
    const { rerender } = render(<SlaClock ticket={running({ due_at: dueAt })} onDue={onDue} />);
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
    rerender(<SlaClock ticket={running({ due_at: dueAt, breached: true })} onDue={onDue} />);
    expect(screen.getByText(/overdue by 20 min/)).toHaveClass("sla-overdue");
    act(() => vi.advanceTimersByTime(10 * 60_000));
    expect(screen.getByText(/overdue by 30 min/)).toHaveClass("sla-overdue");
    expect(onDue).toHaveBeenCalledTimes(1);
  });

  it("stands still while paused, with the time left the API kept", () => {
    const onDue = vi.fn();
    render(<SlaClock ticket={running({ status: "pending", due_at: null, sla_paused: true, sla_remaining_minutes: 190 })} onDue={onDue} />);
    const clock = screen.getByText("paused, 3 h 10 min left");
    expect(clock).toHaveClass("sla-paused");
    expect(clock).toHaveAttribute("title", expect.stringMatching(/paused while the ticket is pending or on hold/));
    act(() => vi.advanceTimersByTime(5 * 60 * 60_000));
    expect(screen.getByText("paused, 3 h 10 min left")).toBeInTheDocument();
    expect(onDue).not.toHaveBeenCalled();
  });

  it("paused past due reads overdue", () => {
    render(<SlaClock ticket={running({ status: "on_hold", due_at: null, sla_paused: true, sla_remaining_minutes: -25, breached: true })} />);
    expect(screen.getByText(/paused, 25 min overdue/)).toHaveClass("sla-overdue");
  });

  it("stops once resolved or closed: in time, or how late", () => {
    const { rerender } = render(<SlaClock ticket={running({ status: "resolved", due_at: inMinutes(-5), resolved_at: inMinutes(-10) })} />);
    expect(screen.getByText("resolved in time")).toHaveClass("sla-met");
    rerender(<SlaClock ticket={running({ status: "resolved", due_at: inMinutes(-180), resolved_at: inMinutes(-60), breached: true })} />);
    expect(screen.getByText(/resolved 2 h late/)).toHaveClass("sla-overdue");
    rerender(<SlaClock ticket={running({ status: "closed", due_at: inMinutes(-180), resolved_at: inMinutes(-60) })} />);
    expect(screen.getByText("resolved 2 h late")).toHaveClass("sla-closed");
    expect(screen.queryByText(/overdue|due in/)).toBeNull();
  });
});

describe("the first-response clock", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows while the first reply is owed, and asks for the API's word when it runs out", () => {
    const onDue = vi.fn();
    const { rerender } = render(<FirstResponseClock ticket={running({ first_response_due_at: inMinutes(12) })} onDue={onDue} />);
    expect(screen.getByText("First reply due in 12 min")).toHaveClass("sla-soon");
    act(() => vi.advanceTimersByTime(13 * 60_000));
    expect(screen.getByText("First reply due now")).toBeInTheDocument();
    expect(onDue).toHaveBeenCalledTimes(1);
    rerender(<FirstResponseClock ticket={running({ first_response_due_at: inMinutes(12), first_response_breached: true })} onDue={onDue} />);
    expect(screen.getByText(/First reply overdue by 1 min/)).toHaveClass("sla-overdue");
  });

  it("says nothing while paused (the resolution clock says it), once the reply was sent or the ticket resolved", () => {
    const paused = running({ status: "pending", sla_paused: true, first_response_due_at: null });
    const { container, rerender } = render(<FirstResponseClock ticket={paused} />);
    expect(container).toBeEmptyDOMElement();
    // Paused past its first-response target: that still shows.
    rerender(<FirstResponseClock ticket={{ ...paused, first_response_breached: true }} />);
    expect(screen.getByText(/First reply overdue, paused/)).toHaveClass("sla-overdue");
    // In the ticket's facts, paused says so.
    rerender(<FirstResponseClock ticket={paused} always />);
    expect(screen.getByText("Paused")).toHaveClass("sla-paused");
    rerender(<FirstResponseClock ticket={running({ first_responded_at: inMinutes(-5) })} />);
    expect(container).toBeEmptyDOMElement();
    rerender(<FirstResponseClock ticket={running({ status: "resolved", resolved_at: inMinutes(-5) })} />);
    expect(container).toBeEmptyDOMElement();
  });

  it("in the ticket's facts, it also says how the first reply went", () => {
    render(<FirstResponseClock ticket={running({ first_responded_at: inMinutes(-5), first_response_due_at: inMinutes(-50), first_response_breached: true })} always />);
    expect(screen.getByText(/Sent 45 min late/)).toHaveClass("sla-overdue");
  });
});
