// Errors where a person looks for them: the API names the field it refuses
// (`error.field`), and its message is shown under that field (FieldError); anything else
// above the form (FormError).
import { ApiError } from "@/lib/api/client";

/** The message for `field`, when `error` is the API refusing that field. */
export function errorFor(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.field === field ? error.message : undefined;
}

/** Props that tie an input to its label hint and its error message. */
export function describe(id: string, error: string | undefined) {
  return {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
  } as const;
}
