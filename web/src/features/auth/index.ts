// The auth feature's pages: signing in, and a requester's sign-up (the session itself is
// lib/session's).
import "./styles.css";
export { LoginPage } from "./components/LoginPage";
export { SignUpPage } from "./components/SignUpPage";
