import { describe } from "@/components/fieldProps";
import type { Status } from "@/lib/api/types";
import { STATUS_LABELS } from "@/lib/tickets/labels";

/** "Send and set to Resolved", and the status it sets, chosen beside it. */
export function SendAndSetButton({
  verb,
  choices,
  status,
  onStatus,
  onSend,
  pending,
  disabled,
  error,
}: {
  /** "Send", or "Add note". */
  verb: string;
  choices: readonly Status[];
  status: Status;
  onStatus: (status: Status) => void;
  onSend: () => void;
  pending: boolean;
  disabled: boolean;
  error: string | undefined;
}) {
  return (
    <span className="send-and-set">
      <button type="button" disabled={disabled} onClick={onSend}>
        {pending ? "Sending…" : `${verb} and set to ${STATUS_LABELS[status]}`}
      </button>
      <label htmlFor="reply-then" className="visually-hidden">
        Set the ticket to
      </label>
      <select {...describe("reply-then", error)} value={status} onChange={(e) => onStatus(e.target.value as Status)}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {STATUS_LABELS[choice]}
          </option>
        ))}
      </select>
    </span>
  );
}
