import { useLiveStatus, type LiveStatus } from "@/lib/live/useLive";

// What shows, and what a screen reader hears around it ("Live updates on").
const WORDS: Record<Exclude<LiveStatus, "off">, { before?: string; shown: string; after?: string }> = {
  connecting: { before: "Live updates: ", shown: "Connecting…" },
  live: { shown: "Live", after: " updates on" },
  reconnecting: { before: "Live updates: ", shown: "Reconnecting…" },
};

/** Whether the pages update on their own: in words (the dot only repeats them), a status
 * a screen reader announces when it changes. Nothing when there is no live stream. */
export function LiveIndicator() {
  const status = useLiveStatus();
  if (status === "off") return null;
  const { before, shown, after } = WORDS[status];
  return (
    <span role="status" className={`live live-${status}`}>
      <span className="live-dot" aria-hidden="true" />
      {before && <span className="visually-hidden">{before}</span>}
      {shown}
      {after && <span className="visually-hidden">{after}</span>}
    </span>
  );
}
