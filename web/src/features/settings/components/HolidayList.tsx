/** The dates with no business hours, YYYY-MM-DD, to add and remove. `error`: the API's
 * refusal of the list, at `errorId`. */
export function HolidayList({
  holidays,
  onChange,
  error,
  errorId,
}: {
  holidays: string[];
  onChange: (holidays: string[]) => void;
  error: string | undefined;
  errorId: string;
}) {
  const aria = error ? ({ "aria-invalid": true, "aria-describedby": errorId } as const) : {};
  return (
    <>
      {holidays.length ? (
        <ul className="holidays">
          {holidays.map((date, i) => (
            <li key={i}>
              <input
                {...aria}
                type="date"
                aria-label={`Holiday ${i + 1}`}
                value={date}
                onChange={(e) => onChange(holidays.map((d, j) => (j === i ? e.target.value : d)))}
              />
              <button
                type="button"
                className="small"
                aria-label={`Remove holiday ${date || i + 1}`}
                onClick={() => onChange(holidays.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No holidays.</p>
      )}
      <button type="button" className="small" onClick={() => onChange([...holidays, ""])}>
        Add a holiday
      </button>
    </>
  );
}
