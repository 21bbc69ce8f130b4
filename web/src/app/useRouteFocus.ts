import { useEffect, useRef } from "react";
import { useLocation } from "react-router";

// A page that loads its data first shows its heading late (a ticket's title): focus waits
// for it this long at most.
const WAIT_FOR_HEADING_MS = 5_000;

/** A form field the new page focused itself (its first field, on open). */
function pageFocusedAField(): boolean {
  const active = document.activeElement;
  return active instanceof HTMLElement && active.matches("main input, main select, main textarea");
}

/** Every page's h1 has tabIndex={-1}: focusable from here, not a stop for the Tab key. */
function focusHeading(): boolean {
  const heading = document.querySelector<HTMLElement>("main h1");
  if (!heading) return false;
  heading.focus();
  return true;
}

/** On every change of page (not on the first load), focus moves to the new page's main
 * heading, so a screen reader starts there and a keyboard goes on from there; unless the
 * page put it in its first form field. Until the heading shows (a page still loading), the
 * focus waits for it, and gives up when the person moves it meanwhile. */
export function useRouteFocus(): void {
  const { pathname } = useLocation();
  // The page focus was last moved for: none on the first load (nor on an effect run again).
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    if (pageFocusedAField() || focusHeading()) return;
    const before = document.activeElement;
    const observer = new MutationObserver(() => {
      const moved = document.activeElement !== before && document.activeElement !== document.body;
      if (moved || pageFocusedAField() || focusHeading()) stop();
    });
    const timer = setTimeout(() => stop(), WAIT_FOR_HEADING_MS);
    function stop() {
      observer.disconnect();
      clearTimeout(timer);
    }
    observer.observe(document.body, { childList: true, subtree: true });
    return stop;
  }, [pathname]);
}
