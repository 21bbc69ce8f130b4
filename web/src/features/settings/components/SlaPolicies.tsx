import { LoadError } from "@/components/LoadError";
import { Loading } from "@/components/Loading";
import { useSlaPolicies } from "@/lib/slaPolicies";
import { SlaPolicyRow } from "./SlaPolicyRow";

/** A row per priority: its first-response and resolution targets, and whether they count
 * in business hours only. */
export function SlaPolicies() {
  const policies = useSlaPolicies();
  return (
    <section aria-labelledby="policies-heading">
      <h2 id="policies-heading">SLA policies</h2>
      <p className="muted">
        A new ticket's targets come from its priority; a change applies to tickets created or re-prioritised afterwards. Time while a ticket
        is pending or on hold never counts.
      </p>
      {policies.isLoading ? (
        <Loading what="the SLA policies" />
      ) : policies.data ? (
        <div className="policies">
          {policies.data.map((policy) => (
            <SlaPolicyRow key={policy.priority} policy={policy} />
          ))}
        </div>
      ) : (
        <LoadError error={policies.error} retry={() => void policies.refetch()} />
      )}
    </section>
  );
}
