// Errors where a person looks for them: the API names the field it refuses
// (`error.field`), and its message is shown under that field; anything else above the form.
import { useRef } from "react";
import { ApiError, newIdempotencyKey } from "../api/client";

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

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} className="field-error">
      {message}
    </p>
  );
}

/** The error when it is not about one of `fields` (those show beside their input). */
export function FormError({ error, fields = [] }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.field && fields.includes(error.field)) {
    return (
      <p className="form-error" role="alert">
        Please correct the field marked below.
      </p>
    );
  }
  const message = error instanceof Error ? error.message : "Something went wrong";
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** One Idempotency-Key per submission: kept across retries and double clicks of the same
 * submission, replaced once it succeeded or once the content changed. */
export function useIdempotencyKey() {
  const key = useRef<string | null>(null);
  return {
    current(): string {
      key.current ??= newIdempotencyKey();
      return key.current;
    },
    reset(): void {
      key.current = null;
    },
  };
}
