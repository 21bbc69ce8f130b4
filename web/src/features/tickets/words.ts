// How the ticket forms name their fields in a sentence ("SLA must be between 0 and
// 525,600 minutes"): lib/apiErrors turns the API's refusals into these words.
import type { FieldWords, FormWords } from "@/lib/apiErrors";
import type { Limits } from "@/lib/api/types";

// The API takes an SLA of 0 minutes (due at once) and up to ui-config's sla_minutes_max.
const SLA_MINUTES_MIN = 0;

export function slaWords(limits: Limits | undefined): FieldWords {
  return { name: "SLA", range: { min: SLA_MINUTES_MIN, max: limits?.sla_minutes_max, unit: "minutes" } };
}

export function ticketWords(limits: Limits | undefined): FormWords {
  return {
    title: "Title",
    description: "Description",
    status: "Status",
    priority: "Priority",
    assignee_id: "Assignee",
    sla_minutes: slaWords(limits),
  };
}
