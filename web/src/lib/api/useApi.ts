import { createContext, useContext } from "react";
import type { ApiClient } from "./client";

/** The client for the current session; SessionProvider provides it. */
export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error("useApi outside SessionProvider");
  return client;
}
