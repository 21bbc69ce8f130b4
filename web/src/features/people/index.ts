// The people feature's page: the admins' list of accounts (for app/).
import "./styles.css";
export { PeoplePage } from "./components/PeoplePage";
