import { capitalize, formatDateTime } from "@/lib/format";
import type { TimelineEntry, User } from "@/lib/api/types";
import { personName } from "@/lib/people";
import { describeEntry } from "../history";
import { roleTag } from "../people";

/** Who did what, oldest first, in words ("Ada Admin paused the SLA clock: 3 h 10 min left");
 * what the service did itself (a target passed) without a name. */
export function Timeline({ entries, user, nameOf }: { entries: TimelineEntry[]; user: User; nameOf: (id: number | null) => string }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">History</h2>
      <ol className="timeline">
        {entries.map((entry) => {
          const internal = entry.action === "comment.created" && entry.meta.internal === true;
          const words = describeEntry(entry, nameOf).join("; ");
          if (!entry.actor) {
            return (
              <li key={entry.id} className="by-service">
                <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time> {capitalize(words)}
              </li>
            );
          }
          const tag = roleTag(entry.actor, user);
          return (
            <li key={entry.id} className={internal ? "internal" : undefined}>
              <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time> <strong>{personName(entry.actor, user)}</strong>
              {tag && <span className="role-tag"> ({tag})</span>} {words}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
