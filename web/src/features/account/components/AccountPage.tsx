import { ROLE_LABELS } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { NameForm } from "./NameForm";
import { PasswordForm } from "./PasswordForm";

/** Everyone's own account: their name and their password. */
export function AccountPage() {
  const user = useUser();
  return (
    <section className="narrow account-page">
      <h1 tabIndex={-1}>Your account</h1>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[user.role]}</dd>
      </dl>
      <NameForm user={user} />
      <PasswordForm user={user} />
    </section>
  );
}
