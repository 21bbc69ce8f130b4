import { useEffect, useRef } from "react";

/** Calls `callback` (the latest one given) each time `condition` turns true. */
export function useCallWhen(condition: boolean, callback: (() => void) | undefined): void {
  const latest = useRef(callback);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(() => {
    if (condition) latest.current?.();
  }, [condition]);
}
