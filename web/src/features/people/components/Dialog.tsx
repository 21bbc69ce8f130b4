import { useEffect, useId, useRef, type ReactNode, type RefObject } from "react";

/** A modal dialog: the browser's own <dialog> opened with showModal(), so the rest of the
 * page is inert (the focus stays inside) and Escape cancels. On open the focus goes to
 * `initialFocus` (else the dialog's first field or button); on close it goes back to where
 * it was. */
export function Dialog({
  open,
  title,
  onCancel,
  initialFocus,
  children,
}: {
  open: boolean;
  title: string;
  /** Escape, or the dialog's own cancel button. */
  onCancel: () => void;
  initialFocus?: RefObject<HTMLElement | null>;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const headingId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!open || !element) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!element.open) element.showModal();
    initialFocus?.current?.focus();
    return () => {
      if (element.open) element.close();
      if (before?.isConnected) before.focus();
    };
  }, [open, initialFocus]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={headingId}
      onCancel={(event) => {
        // Escape: the page decides (it closes the dialog by `open`), not the browser.
        event.preventDefault();
        onCancel();
      }}
    >
      {open && (
        <>
          <h2 id={headingId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}
