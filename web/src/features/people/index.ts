// The people feature's page: the admins' list of accounts (for app/).
export { PeoplePage } from "./components/PeoplePage";
