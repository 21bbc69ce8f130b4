import { BusinessHoursSettings } from "./BusinessHoursSettings";
import { SlaPolicies } from "./SlaPolicies";

/** The admins' settings: SLA policies and business hours. */
export function SettingsPage() {
  return (
    <section className="settings">
      <h1 tabIndex={-1}>Settings</h1>
      <SlaPolicies />
      <BusinessHoursSettings />
    </section>
  );
}
