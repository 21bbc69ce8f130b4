import { useUiConfig } from "@/lib/uiConfig";

/** In the demo configuration, the demo accounts: a click fills the form. */
export function DemoAccounts({ onPick }: { onPick: (email: string, password: string) => void }) {
  const config = useUiConfig();
  const accounts = config.data?.demo_accounts ?? [];
  const password = config.data?.demo_password;
  if (!accounts.length || !password) return null;
  return (
    <section className="demo" aria-labelledby="demo-heading">
      <h2 id="demo-heading">Demo accounts</h2>
      <p>
        This desk runs in its demo configuration. Every account below has the password <code>{password}</code>.
      </p>
      <ul>
        {accounts.map((account) => (
          <li key={account.email}>
            <button type="button" onClick={() => onPick(account.email, password)}>
              Use {account.email}
            </button>{" "}
            <span>
              {account.name}, {account.role}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
