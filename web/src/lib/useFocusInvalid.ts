import { useCallback, useEffect, useRef, type RefObject } from "react";

/** After a form's own checks refused to send it, the focus goes to the first field marked
 * invalid, where its message is: call the returned function when the checks refused (the
 * focus moves once the form shows the marks). */
export function useFocusInvalid(form: RefObject<HTMLElement | null>): () => void {
  const pending = useRef(false);
  useEffect(() => {
    if (!pending.current) return;
    pending.current = false;
    form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  });
  return useCallback(() => {
    pending.current = true;
  }, []);
}
