import { useRef, useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { checkErrors, formErrors, type FormErrors } from "@/lib/apiErrors";
import type { User } from "@/lib/api/types";
import { useFocusInvalid } from "@/lib/useFocusInvalid";
import { useRename } from "../api/useRename";

/** The name everyone sees beside the person's comments and on their tickets. */
export function NameForm({ user }: { user: User }) {
  const rename = useRename();
  const [name, setName] = useState(user.name);
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusInvalid(form);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkErrors({ name: name.trim() ? undefined : "Name is required" });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    if (found.summary || rename.isPending) return;
    rename.mutate(name, { onSuccess: (renamed) => {
      setName(renamed.name);
      setSaved(true);
    } });
  }

  const shown = checked ?? formErrors(rename.error, { name: "Name" });
  return (
    <form ref={form} onSubmit={submit} noValidate aria-busy={rename.isPending} aria-labelledby="name-heading">
      <h2 id="name-heading">Your name</h2>
      <FormError error={shown.summary ? new Error(shown.summary) : null} />
      {saved && (
        <p className="notice" role="status">
          Your name was saved.
        </p>
      )}
      <label htmlFor="account-name">Name</label>
      <input
        {...describe("account-name", shown.fields.name)}
        autoFocus
        autoComplete="name"
        value={name}
        onChange={(e) => {
          setSaved(false);
          setChecked(null);
          rename.reset();
          setName(e.target.value);
        }}
      />
      <FieldError id="account-name" message={shown.fields.name} />
      <div className="actions">
        <button type="submit" className="primary" disabled={rename.isPending || name === user.name}>
          {rename.isPending ? "Saving…" : "Save name"}
        </button>
      </div>
    </form>
  );
}
