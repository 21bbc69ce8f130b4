// Server state through TanStack Query: one key per resource, so a write can refresh
// exactly what it changed (a ticket's save refreshes the lists too).
export const keys = {
  ticket: (id: number) => ["ticket", id] as const,
  /** Every ticket's page (after a break in the live stream, all are read again). */
  ticketPages: ["ticket"] as const,
  tickets: ["tickets"] as const,
  users: ["users"] as const,
  /** A page of the people list (its filters): under `users`, so a change refreshes both. */
  people: (filters: Record<string, unknown>) => ["users", "list", filters] as const,
  uiConfig: ["ui-config"] as const,
  me: ["me"] as const,
  slaPolicies: ["sla-policies"] as const,
  businessHours: ["business-hours"] as const,
};
