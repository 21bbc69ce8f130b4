import { useMemo, useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe, errorFor } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import type { BusinessHours } from "@/lib/api/types";
import { useSaveBusinessHours } from "../api/useBusinessHours";
import { dayNamedIn, toBody, toDraft, WEEKDAYS, type HoursDraft } from "../week";
import { DayHours } from "./DayHours";
import { HolidayList } from "./HolidayList";

const FIELDS = ["timezone", "week", "holidays"] as const;

/** The browser's list of time zones, as suggestions (the API decides what it accepts). */
function timeZones(): string[] {
  return typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
}

/** The time zone, each weekday's hours and the holidays, saved together (PUT
 * /api/business-hours); the API's refusal shows beside the field it names. */
export function BusinessHoursForm({ hours }: { hours: BusinessHours }) {
  const save = useSaveBusinessHours();
  const [draft, setDraft] = useState<HoursDraft>(() => toDraft(hours));
  const [saved, setSaved] = useState(false);
  const zones = useMemo(timeZones, []);

  function change(next: Partial<HoursDraft>) {
    setSaved(false);
    save.reset();
    setDraft((current) => ({ ...current, ...next }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(toBody(draft), {
      onSuccess: (fresh) => {
        setDraft(toDraft(fresh));
        setSaved(true);
      },
    });
  }

  const timezoneError = errorFor(save.error, "timezone");
  const weekError = errorFor(save.error, "week");
  const holidaysError = errorFor(save.error, "holidays");
  const badDay = dayNamedIn(weekError);
  return (
    <form className="business-hours" onSubmit={submit} noValidate aria-busy={save.isPending}>
      <FormError error={save.error} fields={FIELDS} />
      <label htmlFor="timezone">Time zone</label>
      <input
        {...describe("timezone", timezoneError)}
        className="timezone"
        list="timezones"
        autoComplete="off"
        spellCheck={false}
        value={draft.timezone}
        onChange={(e) => change({ timezone: e.target.value })}
      />
      <datalist id="timezones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <p className="hint">An IANA time zone, e.g. Europe/Berlin or America/New_York.</p>
      <FieldError id="timezone" message={timezoneError} />

      <fieldset className="week" aria-describedby={weekError ? "week-error" : undefined}>
        <legend>Opening hours</legend>
        <p className="hint">Times as HH:MM, 00:00 to 24:00; a day without hours is closed.</p>
        {WEEKDAYS.map((day) => (
          <DayHours
            key={day}
            day={day}
            intervals={draft.week[day]}
            onChange={(intervals) => change({ week: { ...draft.week, [day]: intervals } })}
            // A message naming no day (e.g. "the week needs some hours") marks no input.
            invalid={badDay === day}
            describedBy="week-error"
          />
        ))}
        <FieldError id="week" message={weekError} />
      </fieldset>

      <fieldset className="holiday-list" aria-describedby={holidaysError ? "holidays-error" : undefined}>
        <legend>Holidays</legend>
        <HolidayList holidays={draft.holidays} onChange={(holidays) => change({ holidays })} error={holidaysError} errorId="holidays-error" />
        <FieldError id="holidays" message={holidaysError} />
      </fieldset>

      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save business hours"}
        </button>
        {saved && (
          <p className="notice" role="status">
            Business hours saved.
          </p>
        )}
      </div>
    </form>
  );
}
