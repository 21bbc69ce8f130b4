import { LoadError } from "@/components/LoadError";
import { Loading } from "@/components/Loading";
import { useBusinessHours } from "../api/useBusinessHours";
import { BusinessHoursForm } from "./BusinessHoursForm";

/** The hours that policies marked "business hours only" count in. */
export function BusinessHoursSettings() {
  const hours = useBusinessHours();
  return (
    <section aria-labelledby="hours-heading">
      <h2 id="hours-heading">Business hours</h2>
      <p className="muted">Policies marked “business hours only” count their targets in these hours, from each ticket's next change.</p>
      {hours.isLoading ? (
        <Loading what="the business hours" />
      ) : hours.data ? (
        <BusinessHoursForm hours={hours.data} />
      ) : (
        <LoadError error={hours.error} retry={() => void hours.refetch()} />
      )}
    </section>
  );
}
