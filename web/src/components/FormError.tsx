import { ApiError } from "@/lib/api/client";

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
