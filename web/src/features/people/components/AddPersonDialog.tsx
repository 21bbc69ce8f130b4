import { useRef, useState, type FormEvent } from "react";
import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { checkErrors, formErrors, withoutField, type FormErrors } from "@/lib/apiErrors";
import type { Role, User } from "@/lib/api/types";
import { ROLE_LABELS } from "@/lib/session/roles";
import { useFocusInvalid } from "@/lib/useFocusInvalid";
import { useAddPerson, type NewPerson } from "../api/useAddPerson";
import { ROLE_NAMES } from "../labels";
import { Dialog } from "./Dialog";

const WORDS = { name: "Name", email: "Email", password: "Password", role: "Role" };
const STAFF_ROLES: readonly Role[] = ["agent", "admin"];
const EMPTY: NewPerson = { name: "", email: "", password: "", role: "agent" };

/** An admin adds an agent or an admin: name, email, a first password (theirs to change
 * on their account page), and the role. */
export function AddPersonDialog({ open, onClose, onAdded }: { open: boolean; onClose: () => void; onAdded: (person: User) => void }) {
  const add = useAddPerson();
  const [person, setPerson] = useState<NewPerson>(EMPTY);
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const focusInvalid = useFocusInvalid(form);

  function set(field: keyof NewPerson, value: string) {
    add.reset();
    setChecked((current) => withoutField(current, field));
    setPerson((current) => ({ ...current, [field]: value }));
  }

  function close() {
    add.reset();
    setChecked(null);
    setPerson(EMPTY);
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkErrors({
      name: person.name.trim() ? undefined : "Name is required",
      email: person.email.trim() ? undefined : "Email is required",
      password: person.password ? undefined : "Password is required",
    });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    if (found.summary || add.isPending) return;
    add.mutate(person, {
      onSuccess: (added) => {
        setPerson(EMPTY);
        add.reset();
        onAdded(added);
      },
    });
  }

  const shown = checked ?? formErrors(add.error, WORDS);
  const field = (name: keyof NewPerson) => ({ ...describe(`person-${name}`, shown.fields[name]), value: person[name], onChange: (e: { target: { value: string } }) => set(name, e.target.value) });
  return (
    <Dialog open={open} title="Add an agent or admin" onCancel={close} initialFocus={firstField}>
      <form ref={form} onSubmit={submit} noValidate aria-busy={add.isPending}>
        <FormError error={shown.summary ? new Error(shown.summary) : null} />
        <label htmlFor="person-name">Name</label>
        <input ref={firstField} {...field("name")} autoComplete="off" />
        <FieldError id="person-name" message={shown.fields.name} />
        <label htmlFor="person-email">Email</label>
        <input {...field("email")} type="email" autoComplete="off" />
        <FieldError id="person-email" message={shown.fields.email} />
        <label htmlFor="person-password">Password</label>
        <input {...field("password")} type="password" autoComplete="new-password" aria-describedby={shown.fields.password ? "person-password-error person-password-hint" : "person-password-hint"} />
        <p id="person-password-hint" className="hint">
          Give it to them in person; they can change it on their account page.
        </p>
        <FieldError id="person-password" message={shown.fields.password} />
        <label htmlFor="person-role">Role</label>
        <select {...field("role")}>
          {STAFF_ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_NAMES[role]}
            </option>
          ))}
        </select>
        <FieldError id="person-role" message={shown.fields.role} />
        <div className="actions">
          <button type="submit" className="primary" disabled={add.isPending}>
            {add.isPending ? "Adding…" : `Add ${ROLE_LABELS[person.role]}`}
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
