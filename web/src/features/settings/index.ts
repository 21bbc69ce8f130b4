// The settings feature's page (admins): SLA policies and business hours.
import "./styles.css";
export { SettingsPage } from "./components/SettingsPage";
