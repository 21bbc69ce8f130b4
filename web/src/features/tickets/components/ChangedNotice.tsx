/** "A", "A and B", "A, B and C". */
function inWords(names: readonly string[]): string {
  return names.length < 2 ? (names[0] ?? "someone") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The ticket changed under an unsaved edit (heard from the live stream): said, not in
 * the way; the edit stays as typed. Reload compares it with the new version (the conflict
 * panel: reapply or discard). */
export function ChangedNotice({ names, onReload, busy }: { names: readonly string[]; onReload: () => void; busy: boolean }) {
  return (
    <div className="changed-notice" role="status">
      <p>
        This ticket was changed by {inWords(names)} since you opened it. Your edits are kept, not saved yet.
      </p>
      <button type="button" onClick={onReload} disabled={busy}>
        Reload
      </button>
    </div>
  );
}
