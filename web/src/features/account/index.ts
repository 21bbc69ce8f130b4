// The account feature's page: everyone's own name and password (for app/).
export { AccountPage } from "./components/AccountPage";
