import { useRef, useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { checkErrors, formErrors, withoutField, type FormErrors } from "@/lib/apiErrors";
import type { User } from "@/lib/api/types";
import { useFocusInvalid } from "@/lib/useFocusInvalid";
import { useChangePassword } from "../api/useChangePassword";

const WORDS = { current_password: "Current password", new_password: "New password" };
const EMPTY = { current: "", next: "", confirm: "" };
// Each input's field, as the checks and the API name it.
const FIELD_OF = { current: "current_password", next: "new_password", confirm: "confirm" } as const;

/** A new password, with the current one; typed twice. Every other session of the account
 * ends (the service revokes their tokens); this one goes on with the new token. */
export function PasswordForm({ user }: { user: User }) {
  const change = useChangePassword();
  const [values, setValues] = useState(EMPTY);
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const [done, setDone] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusInvalid(form);

  function set(field: keyof typeof EMPTY, value: string) {
    setDone(false);
    change.reset();
    setChecked((current) => withoutField(current, FIELD_OF[field]));
    setValues((current) => ({ ...current, [field]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkErrors({
      current_password: values.current ? undefined : "Current password is required",
      new_password: values.next ? undefined : "New password is required",
      confirm: !values.next || values.confirm === values.next ? undefined : values.confirm ? "This does not match the new password" : "Type the new password again",
    });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    if (found.summary || change.isPending) return;
    change.mutate(
      { current_password: values.current, new_password: values.next },
      {
        onSuccess: () => {
          setValues(EMPTY);
          setDone(true);
        },
      },
    );
  }

  const shown = checked ?? formErrors(change.error, WORDS);
  const input = (id: string, field: keyof typeof EMPTY, error: string | undefined) => ({
    ...describe(id, error),
    type: "password",
    value: values[field],
    onChange: (e: { target: { value: string } }) => set(field, e.target.value),
  });
  return (
    <form ref={form} onSubmit={submit} noValidate aria-busy={change.isPending} aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <FormError error={shown.summary ? new Error(shown.summary) : null} />
      {done && (
        <p className="notice" role="status">
          Your password was changed. Your other sessions were signed out; this one goes on.
        </p>
      )}
      {/* For password managers: whose password this is. */}
      <input type="email" name="username" autoComplete="username" value={user.email} readOnly hidden />
      <label htmlFor="current-password">Current password</label>
      <input {...input("current-password", "current", shown.fields.current_password)} autoComplete="current-password" />
      <FieldError id="current-password" message={shown.fields.current_password} />
      <label htmlFor="new-password">New password</label>
      <input {...input("new-password", "next", shown.fields.new_password)} autoComplete="new-password" />
      <FieldError id="new-password" message={shown.fields.new_password} />
      <label htmlFor="confirm-password">Confirm new password</label>
      <input {...input("confirm-password", "confirm", shown.fields.confirm)} autoComplete="new-password" />
      <FieldError id="confirm-password" message={shown.fields.confirm} />
      <p className="hint">Changing it signs you out everywhere else.</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
