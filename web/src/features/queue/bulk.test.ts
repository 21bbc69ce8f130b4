import { describe, expect, it } from "vitest";
import { allowedFor } from "@/test/helpers";
import { alreadySo, bulkOffer, summarize, type BulkTicket } from "./bulk";

const ME = 2;
const t = (id: number, fields: Partial<BulkTicket>): BulkTicket => ({
  id,
  status: "open",
  priority: "medium",
  assignee_id: null,
  allowed_fields: [],
  version: 1,
  ...fields,
});
const unassigned = t(1, { allowed_fields: allowedFor("claimingAgent") });
const mine = t(2, { assignee_id: ME, allowed_fields: allowedFor("assignedAgent") });
const anyForAdmin = t(3, { assignee_id: 9, allowed_fields: allowedFor("admin") });
const nameOf = (id: number | null) => (id === ME ? "you" : `Person ${id}`);

describe("what bulk actions are offered", () => {
  it("offers an agent the claim of unassigned tickets, nothing else", () => {
    expect(bulkOffer([unassigned], ME)).toEqual({ assignToMe: true, assignToAnyone: false, status: false, priority: false, claimOnly: 1 });
    expect(bulkOffer([unassigned, mine], ME)).toEqual({ assignToMe: true, assignToAnyone: false, status: false, priority: false, claimOnly: 1 });
  });

  it("offers everything on an agent's own tickets but taking them", () => {
    expect(bulkOffer([mine], ME)).toEqual({ assignToMe: false, assignToAnyone: true, status: true, priority: true, claimOnly: 0 });
  });

  it("offers an admin everything", () => {
    expect(bulkOffer([anyForAdmin, t(4, { allowed_fields: allowedFor("admin") })], ME)).toEqual({
      assignToMe: true,
      assignToAnyone: true,
      status: true,
      priority: true,
      claimOnly: 0,
    });
  });

  it("offers nothing a ticket in the selection refuses", () => {
    const offer = bulkOffer([mine, t(5, { assignee_id: 7, allowed_fields: [] })], ME);
    expect(offer).toMatchObject({ assignToMe: false, assignToAnyone: false, status: false, priority: false });
    expect(bulkOffer([], ME)).toMatchObject({ assignToMe: false, status: false });
  });

  it("knows a ticket already as the change would make it", () => {
    expect(alreadySo(mine, { assignee_id: ME })).toBe(true);
    expect(alreadySo(mine, { status: "open" })).toBe(true);
    expect(alreadySo(mine, { priority: "high" })).toBe(false);
  });
});

describe("the summary of a bulk change", () => {
  const base = { change: { status: "resolved" as const }, updated: [1, 2, 3, 4, 5], unchanged: [], conflicts: [], failed: [] };

  it("counts the updated tickets", () => {
    expect(summarize(base, nameOf)).toBe("5 updated.");
  });

  it("names the tickets changed meanwhile, one or several", () => {
    expect(summarize({ ...base, conflicts: [12] }, nameOf)).toBe("5 updated, 1 changed by someone else since you loaded it (ticket #12): reload to see it.");
    expect(summarize({ ...base, updated: [1], conflicts: [12, 14] }, nameOf)).toBe(
      "1 updated, 2 changed by someone else since you loaded them (tickets #12, #14): reload to see them.",
    );
  });

  it("says which were already so, and which failed and why", () => {
    expect(summarize({ ...base, change: { assignee_id: ME }, updated: [1], unchanged: [2] }, nameOf)).toBe("1 updated, 1 already assigned to you.");
    expect(summarize({ ...base, change: { priority: "high" }, updated: [], unchanged: [2, 3] }, nameOf)).toBe("0 updated, 2 already High.");
    expect(summarize({ ...base, updated: [], failed: [{ id: 9, message: "Agents may change only tickets assigned to them, or claim one" }] }, nameOf)).toBe(
      "0 updated, ticket #9 not updated: Agents may change only tickets assigned to them, or claim one.",
    );
  });
});
