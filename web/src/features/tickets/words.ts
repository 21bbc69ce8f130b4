// How the ticket forms name their fields in a sentence ("SLA must be between 0 and
// 525,600 minutes"): lib/apiErrors turns the API's refusals into these words.
import type { FieldWords, FormWords } from "@/lib/apiErrors";
import type { Limits } from "@/lib/api/types";
import { FIELD_LABELS } from "./draft";

// The API takes an SLA of 0 minutes (due at once) and up to ui-config's sla_minutes_max.
const SLA_MINUTES_MIN = 0;

export function slaWords(limits: Limits | undefined): FieldWords {
  return { name: "SLA", range: { min: SLA_MINUTES_MIN, max: limits?.sla_minutes_max, unit: "minutes" } };
}

/** The ticket's fields by their labels; the SLA with its range. */
export function ticketWords(limits: Limits | undefined): FormWords {
  return { ...FIELD_LABELS, sla_minutes: slaWords(limits) };
}
