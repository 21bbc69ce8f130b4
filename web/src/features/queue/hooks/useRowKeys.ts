import { useEffect, useRef, useState, type RefObject } from "react";
import { useNavigate } from "react-router";
import { isForAField } from "../keyboard";

/** j / k move through the rows (the row is marked, its link focused), Enter opens the
 * marked ticket, x ticks its checkbox: on the whole page, unless someone is typing.
 * `table` holds rows with `data-ticket-id` and a `.title-link` each. */
export function useRowKeys(ids: readonly number[], table: RefObject<HTMLElement | null>) {
  const navigate = useNavigate();
  const [active, setActive] = useState<number | null>(null);
  // The latest values for the one listener.
  const state = useRef({ ids, active });
  useEffect(() => {
    state.current = { ids, active };
  });

  useEffect(() => {
    function row(id: number): HTMLElement | null {
      return table.current?.querySelector<HTMLElement>(`[data-ticket-id="${id}"]`) ?? null;
    }
    function onKey(event: KeyboardEvent) {
      if (isForAField(event)) return;
      const { ids, active } = state.current;
      if (!ids.length) return;
      const at = active === null ? -1 : ids.indexOf(active);
      if (event.key === "j" || event.key === "k") {
        const next = event.key === "j" ? Math.min(at + 1, ids.length - 1) : at === -1 ? 0 : Math.max(at - 1, 0);
        const id = ids[next]!;
        event.preventDefault();
        setActive(id);
        row(id)?.querySelector<HTMLElement>(".title-link")?.focus();
      } else if (event.key === "Enter" && active !== null && at !== -1) {
        // On a link or a button, Enter is theirs.
        const target = event.target as HTMLElement | null;
        if (target?.closest("a, button")) return;
        event.preventDefault();
        void navigate(`/tickets/${active}`);
      } else if (event.key === "x" && active !== null && at !== -1) {
        const box = row(active)?.querySelector<HTMLInputElement>('input[type="checkbox"]:not(:disabled)');
        if (box) {
          event.preventDefault();
          box.click();
        }
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [navigate, table]);

  return ids.includes(active ?? -1) ? active : null;
}
