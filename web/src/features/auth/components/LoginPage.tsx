import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { FieldError } from "@/components/FieldError";
import { describe, errorFor } from "@/components/fieldProps";
import { FormError } from "@/components/FormError";
import { homePath, safeNext } from "@/lib/session/paths";
import { useSession } from "@/lib/session/useSession";
import { DemoAccounts } from "./DemoAccounts";

const FIELDS = ["email", "password"] as const;

export function LoginPage() {
  const { session, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const next = safeNext(params.get("next"));
  const expired = params.get("reason") === "expired";

  if (session && !pending) return <Navigate to={next === "/" ? homePath(session.user) : next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const started = await signIn(email, password);
      navigate(next === "/" ? homePath(started.user) : next, { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  const emailError = errorFor(error, "email");
  const passwordError = errorFor(error, "password");
  return (
    <main id="main" className="login">
      <h1>Sign in to Helpdesk</h1>
      {expired && (
        <p className="notice" role="status">
          Your session has expired. Sign in again to go back to where you were.
        </p>
      )}
      <form onSubmit={submit} noValidate aria-busy={pending}>
        <FormError error={error} fields={FIELDS} />
        <label htmlFor="email">Email</label>
        <input
          {...describe("email", emailError)}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <FieldError id="email" message={emailError} />
        <label htmlFor="password">Password</label>
        <input
          {...describe("password", passwordError)}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <FieldError id="password" message={passwordError} />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <DemoAccounts
        onPick={(pickedEmail, pickedPassword) => {
          setEmail(pickedEmail);
          setPassword(pickedPassword);
        }}
      />
    </main>
  );
}
