import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { BrowserRouter } from "react-router";
import { LiveProvider } from "@/lib/live/LiveProvider";
import { SessionProvider } from "@/lib/session/SessionProvider";
import { createQueryClient } from "./queryClient";

/** Server state (one query cache for the app), the URL, the session, and the live stream
 * that keeps the cache up to date while someone is signed in. */
export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <SessionProvider>
          <LiveProvider>{children}</LiveProvider>
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
