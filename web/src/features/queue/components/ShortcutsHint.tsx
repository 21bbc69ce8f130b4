/** The list's keyboard shortcuts, folded away until asked for. */
export function ShortcutsHint({ select }: { select: boolean }) {
  return (
    <details className="shortcuts">
      <summary>Keyboard shortcuts</summary>
      <ul>
        <li>
          <kbd>j</kbd> / <kbd>k</kbd> next / previous ticket
        </li>
        <li>
          <kbd>Enter</kbd> open it
        </li>
        {select && (
          <li>
            <kbd>x</kbd> select it
          </li>
        )}
        <li>
          <kbd>/</kbd> search
        </li>
      </ul>
    </details>
  );
}
