// The auth feature's page: signing in (the session itself is lib/session's).
export { LoginPage } from "./components/LoginPage";
