import { useMutation } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { checkErrors, formErrors, withoutField, type FormErrors } from "@/lib/apiErrors";
import { call } from "@/lib/api/client";
import { useApi } from "@/lib/api/useApi";
import { homePath } from "@/lib/session/paths";
import { useSession } from "@/lib/session/useSession";
import { useFocusInvalid } from "@/lib/useFocusInvalid";

const WORDS = { name: "Name", email: "Email", password: "Password" };
const EMPTY = { name: "", email: "", password: "" };

/** Anyone opens a requester's account (POST /api/register), and is signed in with it at
 * once, on their (empty) list of tickets. */
export function SignUpPage() {
  const api = useApi();
  const { session, signIn } = useSession();
  const navigate = useNavigate();
  const [values, setValues] = useState(EMPTY);
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusInvalid(form);
  const signUp = useMutation({
    mutationFn: async (account: typeof EMPTY) => {
      await call(api.POST("/api/register", { body: { ...account, role: "user" } }));
      return signIn(account.email, account.password);
    },
    onSuccess: () => navigate("/tickets", { replace: true }),
  });

  if (session && !signUp.isPending && !signUp.isSuccess) return <Navigate to={homePath(session.user)} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkErrors({
      name: values.name.trim() ? undefined : "Name is required",
      email: values.email.trim() ? undefined : "Email is required",
      password: values.password ? undefined : "Password is required",
    });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    if (found.summary || signUp.isPending) return;
    signUp.mutate(values);
  }

  function set(field: keyof typeof EMPTY, value: string) {
    signUp.reset();
    setChecked((current) => withoutField(current, field));
    setValues((current) => ({ ...current, [field]: value }));
  }

  const shown = checked ?? formErrors(signUp.error, WORDS);
  return (
    <main id="main" className="login">
      <h1 tabIndex={-1}>Create your Helpdesk account</h1>
      <p className="muted">Open tickets and follow them here. Support staff get their accounts from an admin.</p>
      <form ref={form} onSubmit={submit} noValidate aria-busy={signUp.isPending}>
        <FormError error={shown.summary ? new Error(shown.summary) : null} />
        <label htmlFor="signup-name">Name</label>
        <input {...describe("signup-name", shown.fields.name)} autoFocus autoComplete="name" value={values.name} onChange={(e) => set("name", e.target.value)} />
        <FieldError id="signup-name" message={shown.fields.name} />
        <label htmlFor="signup-email">Email</label>
        <input
          {...describe("signup-email", shown.fields.email)}
          type="email"
          autoComplete="username"
          value={values.email}
          onChange={(e) => set("email", e.target.value)}
        />
        <FieldError id="signup-email" message={shown.fields.email} />
        <label htmlFor="signup-password">Password</label>
        <input
          {...describe("signup-password", shown.fields.password)}
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={(e) => set("password", e.target.value)}
        />
        <FieldError id="signup-password" message={shown.fields.password} />
        <button type="submit" className="primary" disabled={signUp.isPending}>
          {signUp.isPending ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p className="signup-link">
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </main>
  );
}
