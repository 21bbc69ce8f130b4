import { useRef } from "react";
import { explain } from "@/lib/apiErrors";
import { useUser } from "@/lib/session/useSession";
import { useChangePerson } from "../api/useChangePerson";
import { describeChange, type Change } from "../changes";
import { Dialog } from "./Dialog";

/** "Deactivate Alan Agent?": the change, what it will do, and the two ways out; a refusal
 * (an admin's own account, the last admin) stays in the dialog, in words. */
export function ConfirmChangeDialog({ change, onClose, onDone }: { change: Change | null; onClose: () => void; onDone: (notice: string) => void }) {
  const user = useUser();
  const mutation = useChangePerson();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const words = change ? describeChange(change, user) : null;
  // Taking access away: the safe button has the focus, so Enter does not do it by accident.
  const takesAway = change !== null && ("active" in change.changes ? !change.changes.active : change.changes.role !== "admin");

  function close() {
    mutation.reset();
    onClose();
  }

  function confirm() {
    if (!change || !words || mutation.isPending) return;
    mutation.mutate(change, {
      onSuccess: () => {
        mutation.reset();
        onDone(words.done);
      },
    });
  }

  return (
    <Dialog open={change !== null} title={words?.title ?? ""} onCancel={close} initialFocus={takesAway ? cancelButton : confirmButton}>
      <p>{words?.text}</p>
      {mutation.error && (
        <p className="form-error" role="alert">
          {explain(mutation.error).message}
        </p>
      )}
      <div className="actions">
        <button ref={confirmButton} type="button" className={takesAway ? "danger" : "primary"} disabled={mutation.isPending} onClick={confirm}>
          {mutation.isPending ? "Saving…" : words?.confirm}
        </button>
        <button ref={cancelButton} type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
