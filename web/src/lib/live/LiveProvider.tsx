import type { ReactNode } from "react";
import { LiveContext } from "./useLive";
import { useLiveEvents } from "./useLiveEvents";

/** The live stream, once for the app (inside SessionProvider): the pages update on their
 * own, useLiveEvent hears each event, useLiveStatus says whether it is connected. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const live = useLiveEvents();
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}
