import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { NavLink, Outlet } from "react-router";
import { call } from "@/lib/api/client";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import { isStaff } from "@/lib/session/roles";
import { useSession, useUser } from "@/lib/session/useSession";

/** The signed-in shell: skip link, the top bar (brand, the role's pages, the account) and
 * the page. */
export function Layout() {
  const api = useApi();
  const user = useUser();
  const { signOut, updateUser } = useSession();
  // The account as it is now (a changed role or name shows at once); a 401 here signs out.
  const me = useQuery({ queryKey: keys.me, queryFn: async () => (await call(api.GET("/api/me"))).data });
  useEffect(() => {
    if (me.data) updateUser(me.data);
  }, [me.data, updateUser]);

  const staff = isStaff(user);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          Helpdesk
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {staff ? (
              <>
                <li>
                  <NavLink to="/queue">Queue</NavLink>
                </li>
                <li>
                  <NavLink to="/breached">Breached</NavLink>
                </li>
              </>
            ) : (
              <li>
                <NavLink to="/tickets" end>
                  My tickets
                </NavLink>
              </li>
            )}
            <li>
              <NavLink to="/tickets/new">New ticket</NavLink>
            </li>
            {user.role === "admin" && (
              <li>
                <NavLink to="/settings">Settings</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="account">
          <span>
            {user.name} <span className="role">({user.role})</span>
          </span>
          <button type="button" className="link-button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
