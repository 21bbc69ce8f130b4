// The account feature's page: everyone's own name and password (for app/).
import "./styles.css";
export { AccountPage } from "./components/AccountPage";
