import { useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe, errorFor } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { PRIORITY_LABELS } from "@/lib/tickets/labels";
import { formatSpan } from "@/lib/tickets/sla";
import type { SlaPolicy, SlaPolicyIn } from "@/lib/api/types";
import { useSaveSlaPolicy } from "../api/useSaveSlaPolicy";

const FIELDS = ["first_response_minutes", "resolution_minutes", "business_hours"] as const;

/** Whole minutes as typed; anything else as typed too, for the API to name the field. */
const minutes = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : (text as unknown as number));

/** "= 4 h" (or "= 4 h of business hours") beside a number of minutes. */
function spanHint(text: string, businessHours: boolean): string | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const span = Number(text) === 0 ? "0 min" : formatSpan(Number(text) * 60_000);
  return `= ${span}${businessHours ? " of business hours" : ""}`;
}

/** One priority's targets, saved on their own (PUT /api/sla-policies/{priority}). */
export function SlaPolicyRow({ policy }: { policy: SlaPolicy }) {
  const save = useSaveSlaPolicy(policy.priority);
  const [firstResponse, setFirstResponse] = useState(String(policy.first_response_minutes));
  const [resolution, setResolution] = useState(String(policy.resolution_minutes));
  const [businessHours, setBusinessHours] = useState(policy.business_hours);
  const [saved, setSaved] = useState(false);
  const changed =
    firstResponse.trim() !== String(policy.first_response_minutes) ||
    resolution.trim() !== String(policy.resolution_minutes) ||
    businessHours !== policy.business_hours;

  function edit<T>(setter: (value: T) => void) {
    return (value: T) => {
      setSaved(false);
      save.reset();
      setter(value);
    };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: SlaPolicyIn = { first_response_minutes: minutes(firstResponse), resolution_minutes: minutes(resolution), business_hours: businessHours };
    save.mutate(body, {
      onSuccess: (fresh) => {
        setFirstResponse(String(fresh.first_response_minutes));
        setResolution(String(fresh.resolution_minutes));
        setBusinessHours(fresh.business_hours);
        setSaved(true);
      },
    });
  }

  const id = (field: string) => `policy-${policy.priority}-${field}`;
  const firstError = errorFor(save.error, "first_response_minutes");
  const resolutionError = errorFor(save.error, "resolution_minutes");
  const hoursError = errorFor(save.error, "business_hours");
  const label = PRIORITY_LABELS[policy.priority];
  return (
    <form className="policy" onSubmit={submit} noValidate aria-busy={save.isPending}>
      <fieldset>
        <legend>
          <span className={`badge priority-${policy.priority}`}>{label}</span>
        </legend>
        <FormError error={save.error} fields={FIELDS} />
        <div className="policy-fields">
          <div>
            <label htmlFor={id("first")}>First response (minutes)</label>
            <input {...describe(id("first"), firstError)} inputMode="numeric" value={firstResponse} onChange={(e) => edit(setFirstResponse)(e.target.value)} />
            <p className="hint">{spanHint(firstResponse, businessHours)}</p>
            <FieldError id={id("first")} message={firstError} />
          </div>
          <div>
            <label htmlFor={id("resolution")}>Resolution (minutes)</label>
            <input
              {...describe(id("resolution"), resolutionError)}
              inputMode="numeric"
              value={resolution}
              onChange={(e) => edit(setResolution)(e.target.value)}
            />
            <p className="hint">{spanHint(resolution, businessHours)}</p>
            <FieldError id={id("resolution")} message={resolutionError} />
          </div>
          <div>
            <label className="check" htmlFor={id("hours")}>
              <input
                {...describe(id("hours"), hoursError)}
                type="checkbox"
                checked={businessHours}
                onChange={(e) => edit(setBusinessHours)(e.target.checked)}
              />
              Business hours only
            </label>
            <FieldError id={id("hours")} message={hoursError} />
          </div>
          <div className="policy-save">
            <button type="submit" className="primary" disabled={!changed || save.isPending} aria-label={`Save ${label}`}>
              {save.isPending ? "Saving…" : "Save"}
            </button>
            {saved && !changed && (
              <span className="saved" role="status">
                Saved
              </span>
            )}
          </div>
        </div>
      </fieldset>
    </form>
  );
}
