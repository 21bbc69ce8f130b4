import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { call } from "@/lib/api/client";
import { useApi } from "@/lib/api/useApi";
import { keys } from "@/lib/queryKeys";
import { isStaff, ROLE_LABELS } from "@/lib/session/roles";
import { useSession, useUser } from "@/lib/session/useSession";
import { LiveIndicator } from "./LiveIndicator";

/** The signed-in shell: skip link, the top bar (brand, the role's pages, whether the page
 * updates live, the account) and the page. A requester's "New ticket" is on their list of tickets (My tickets), once. */
export function Layout() {
  const api = useApi();
  const user = useUser();
  const { signOut, updateUser } = useSession();
  // The account as it is now (a changed role or name shows at once); a 401 here signs out.
  const me = useQuery({ queryKey: keys.me, queryFn: async () => (await call(api.GET("/api/me"))).data });
  useEffect(() => {
    if (me.data) updateUser(me.data);
  }, [me.data, updateUser]);
  // Read again on every change of page: a deactivated account's session (its token
  // revoked) ends at its next page, even one whose data is still in the cache.
  const queryClient = useQueryClient();
  const { pathname } = useLocation();
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    void queryClient.invalidateQueries({ queryKey: keys.me, exact: true });
  }, [pathname, queryClient]);

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
            {staff && (
              <li>
                <NavLink to="/tickets/new">New ticket</NavLink>
              </li>
            )}
            {user.role === "admin" && (
              <>
                <li>
                  <NavLink to="/people">People</NavLink>
                </li>
                <li>
                  <NavLink to="/settings">Settings</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        <div className="account">
          <LiveIndicator />
          <NavLink to="/account" className="account-link">
            {user.name}
            <span className="role"> · {ROLE_LABELS[user.role]}</span>
            <span className="visually-hidden">, your account</span>
          </NavLink>
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
