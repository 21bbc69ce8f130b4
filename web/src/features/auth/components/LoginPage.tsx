import { useRef, useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { FieldError } from "@/components/FieldError";
import { describe } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { checkErrors, formErrors, withoutField, type FormErrors } from "@/lib/apiErrors";
import { homePath, safeNext } from "@/lib/session/paths";
import { useSession } from "@/lib/session/useSession";
import { useFocusInvalid } from "@/lib/useFocusInvalid";
import { DemoAccounts } from "./DemoAccounts";

const WORDS = { email: "Email", password: "Password" };

export function LoginPage() {
  const { session, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [checked, setChecked] = useState<FormErrors | null>(null);
  const [pending, setPending] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusInvalid(form);
  const next = safeNext(params.get("next"));
  const expired = params.get("reason") === "expired";

  if (session && !pending) return <Navigate to={next === "/" ? homePath(session.user) : next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    // An empty form is not sent: the fields say what is missing.
    const found = checkErrors({
      email: email.trim() ? undefined : "Enter your email",
      password: password ? undefined : "Enter your password",
    });
    setChecked(found.summary ? found : null);
    if (found.summary) focusInvalid();
    setError(null);
    if (found.summary) return;
    setPending(true);
    try {
      const started = await signIn(email, password);
      navigate(next === "/" ? homePath(started.user) : next, { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  const shown = checked ?? formErrors(error, WORDS);
  return (
    <main id="main" className="login">
      <h1 tabIndex={-1}>Sign in to Helpdesk</h1>
      {expired && (
        <p className="notice" role="status">
          Your session has expired. Sign in again to go back to where you were.
        </p>
      )}
      <form ref={form} onSubmit={submit} noValidate aria-busy={pending}>
        <FormError error={shown.summary ? new Error(shown.summary) : null} />
        <label htmlFor="email">Email</label>
        <input
          {...describe("email", shown.fields.email)}
          type="email"
          autoComplete="username"
          autoFocus
          required
          value={email}
          onChange={(e) => {
            setChecked((current) => withoutField(current, "email"));
            setEmail(e.target.value);
          }}
        />
        <FieldError id="email" message={shown.fields.email} />
        <label htmlFor="password">Password</label>
        <input
          {...describe("password", shown.fields.password)}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => {
            setChecked((current) => withoutField(current, "password"));
            setPassword(e.target.value);
          }}
        />
        <FieldError id="password" message={shown.fields.password} />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="signup-link">
        New here? <Link to="/signup">Create an account</Link>
      </p>
      <DemoAccounts
        onPick={(pickedEmail, pickedPassword) => {
          setEmail(pickedEmail);
          setPassword(pickedPassword);
        }}
      />
    </main>
  );
}
