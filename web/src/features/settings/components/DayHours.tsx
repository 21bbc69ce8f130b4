import type { Interval, Weekday } from "../week";
import { WEEKDAY_NAMES } from "../week";

/** One weekday's opening hours: "HH:MM–HH:MM" pairs to edit, add and remove. `invalid`:
 * the API's refusal of the week names this day (its message is at `describedBy`). */
export function DayHours({
  day,
  intervals,
  onChange,
  invalid,
  describedBy,
}: {
  day: Weekday;
  intervals: Interval[];
  onChange: (intervals: Interval[]) => void;
  invalid: boolean;
  describedBy: string;
}) {
  const name = WEEKDAY_NAMES[day];
  const nth = (i: number) => (i === 0 ? "" : ` (${i + 1})`);
  const aria = invalid ? ({ "aria-invalid": true, "aria-describedby": describedBy } as const) : {};

  function set(index: number, change: Partial<Interval>) {
    onChange(intervals.map((interval, i) => (i === index ? { ...interval, ...change } : interval)));
  }

  function add() {
    const last = intervals[intervals.length - 1];
    // A closed day opens 09:00–17:00; a day with hours gets an empty pair to fill in.
    onChange([...intervals, last ? { start: "", end: "" } : { start: "09:00", end: "17:00" }]);
  }

  return (
    <div className="day" role="group" aria-label={name}>
      <span className="day-name" aria-hidden="true">
        {name}
      </span>
      <ul className="intervals">
        {intervals.length === 0 && <li className="muted">Closed</li>}
        {intervals.map((interval, i) => (
          <li key={i}>
            <input
              {...aria}
              className="time"
              aria-label={`${name} from${nth(i)}`}
              placeholder="HH:MM"
              maxLength={5}
              inputMode="numeric"
              value={interval.start}
              onChange={(e) => set(i, { start: e.target.value })}
            />
            <span aria-hidden="true">–</span>
            <input
              {...aria}
              className="time"
              aria-label={`${name} until${nth(i)}`}
              placeholder="HH:MM"
              maxLength={5}
              inputMode="numeric"
              value={interval.end}
              onChange={(e) => set(i, { end: e.target.value })}
            />
            <button
              type="button"
              className="small"
              aria-label={`Remove ${name} ${interval.start}–${interval.end}`}
              onClick={() => onChange(intervals.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="small" aria-label={`Add hours on ${name}`} onClick={add}>
        Add hours
      </button>
    </div>
  );
}
