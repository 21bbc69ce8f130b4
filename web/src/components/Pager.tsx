/** Previous / next through a list the API pages by offset; nothing when it fits one page. */
export function Pager({
  offset,
  count,
  pageSize,
  nextOffset,
  onOffset,
}: {
  offset: number;
  count: number;
  pageSize: number;
  nextOffset: number | null;
  onOffset: (offset: number) => void;
}) {
  if (offset === 0 && nextOffset === null) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        ← Previous
      </button>
      <span aria-live="polite">
        {count ? `${offset + 1}–${offset + count}` : "none"}
      </span>
      <button type="button" disabled={nextOffset === null} onClick={() => nextOffset !== null && onOffset(nextOffset)}>
        Next →
      </button>
    </nav>
  );
}
