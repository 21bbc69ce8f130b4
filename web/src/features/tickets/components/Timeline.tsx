import { formatDateTime } from "@/components/format";
import type { TimelineEntry, User } from "@/lib/api/types";
import { describeEntry } from "../history";
import { personName, roleTag } from "../people";

/** Who did what, oldest first, in words ("Ada Admin paused the SLA clock: 3 h 10 min left"). */
export function Timeline({ entries, user, nameOf }: { entries: TimelineEntry[]; user: User; nameOf: (id: number | null) => string }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">History</h2>
      <ol className="timeline">
        {entries.map((entry) => {
          const tag = roleTag(entry.actor, user);
          const internal = entry.action === "comment.created" && entry.meta.internal === true;
          return (
            <li key={entry.id} className={internal ? "internal" : undefined}>
              <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time> <strong>{personName(entry.actor, user)}</strong>
              {tag && <span className="role-tag"> ({tag})</span>} {describeEntry(entry, nameOf).join("; ")}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
