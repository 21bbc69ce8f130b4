// The settings feature's page (admins): SLA policies and business hours.
export { SettingsPage } from "./components/SettingsPage";
