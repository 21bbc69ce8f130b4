import { formatDateTime } from "@/lib/format";

const MINUTE = 60_000;

/** "just now", "5 min ago", "3 h ago", "2 d ago"; the date and time on hover. */
export function TimeAgo({ iso, now }: { iso: string; now: number }) {
  const minutes = Math.floor((now - Date.parse(iso)) / MINUTE);
  let text: string;
  if (minutes < 1) text = "just now";
  else if (minutes < 60) text = `${minutes} min ago`;
  else if (minutes < 24 * 60) text = `${Math.floor(minutes / 60)} h ago`;
  else text = `${Math.floor(minutes / (24 * 60))} d ago`;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {text}
    </time>
  );
}
