import { summarize, type BulkResult } from "../bulk";

/** What a bulk change did, ticket by ticket: updated, already so, changed meanwhile. */
export function BulkSummary({ result, nameOf, onReload, onDismiss }: { result: BulkResult; nameOf: (id: number | null) => string; onReload: () => void; onDismiss: () => void }) {
  const trouble = result.conflicts.length > 0 || result.failed.length > 0;
  return (
    <div className={trouble ? "bulk-summary conflict" : "bulk-summary notice"} role="status">
      <p>{summarize(result, nameOf)}</p>
      <div className="bulk-summary-actions">
        {trouble && (
          <button type="button" className="small" onClick={onReload}>
            Reload
          </button>
        )}
        <button type="button" className="small link-button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
