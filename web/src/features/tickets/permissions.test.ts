// The page reads the API's allowed_fields (tickets/permissions.py decides them; the fakes
// in test/apiFacts.ts are checked against the real service by the e2e suite). The ticket
// page's tests (components/TicketEditor.test.tsx) check what each role is offered on screen.
import { describe, expect, it } from "vitest";
import { ADMIN, AGENT, allowedFor, OTHER_AGENT, REQUESTER } from "@/test/helpers";
import { canClaim, editableFields, readOnlyReason } from "./permissions";

const unassigned = { assignee_id: null };
const mine = { assignee_id: AGENT.id };
const theirs = { assignee_id: OTHER_AGENT.id };

describe("the fields a caller may change", () => {
  it("are the API's allowed_fields for every role", () => {
    expect(editableFields(REQUESTER, { ...unassigned, allowed_fields: allowedFor("requester") })).toEqual(["title", "description"]);
    expect(editableFields(AGENT, { ...mine, allowed_fields: allowedFor("assignedAgent") })).toEqual(["status", "priority", "assignee_id"]);
    expect(editableFields(ADMIN, { ...mine, allowed_fields: allowedFor("admin") })).toEqual([
      "title",
      "description",
      "status",
      "priority",
      "assignee_id",
      "sla_minutes",
    ]);
    expect(editableFields(ADMIN, { ...unassigned, allowed_fields: allowedFor("admin") })).toHaveLength(6);
    expect(editableFields(AGENT, { ...theirs, allowed_fields: allowedFor("otherAgent") })).toEqual([]);
    // Someone else's ticket, as the API would answer a requester who could see it.
    expect(editableFields(REQUESTER, { ...unassigned, allowed_fields: [] })).toEqual([]);
  });

  it("never more than the API allows, whatever the role", () => {
    expect(editableFields(ADMIN, { ...mine, allowed_fields: ["status"] })).toEqual(["status"]);
    expect(editableFields(ADMIN, { ...mine, allowed_fields: [] })).toEqual([]);
    expect(editableFields(AGENT, { ...mine, allowed_fields: [] })).toEqual([]);
  });

  it("an agent's claim of an unassigned ticket is the claim button, not a form", () => {
    const claimable = { ...unassigned, allowed_fields: allowedFor("claimingAgent") };
    expect(editableFields(AGENT, claimable)).toEqual([]);
    expect(canClaim(AGENT, claimable)).toBe(true);
    expect(readOnlyReason(AGENT, claimable)).toBe("Claim this ticket to work on it.");
  });
});

describe("claiming", () => {
  it("is for agents and admins, on an unassigned ticket whose assignee the API lets them set", () => {
    expect(canClaim(ADMIN, { ...unassigned, allowed_fields: allowedFor("admin") })).toBe(true);
    expect(canClaim(ADMIN, { ...mine, allowed_fields: allowedFor("admin") })).toBe(false);
    expect(canClaim(AGENT, { ...mine, allowed_fields: allowedFor("assignedAgent") })).toBe(false);
    expect(canClaim(AGENT, { ...theirs, allowed_fields: allowedFor("otherAgent") })).toBe(false);
    expect(canClaim(AGENT, { ...unassigned, allowed_fields: [] })).toBe(false);
    // A requester may edit their unassigned ticket, never claim it.
    expect(canClaim(REQUESTER, { ...unassigned, allowed_fields: ["assignee_id"] })).toBe(false);
    expect(canClaim(REQUESTER, { ...unassigned, allowed_fields: allowedFor("requester") })).toBe(false);
  });
});

describe("the read-only reason", () => {
  it("is none when something is editable, and says why otherwise", () => {
    expect(readOnlyReason(REQUESTER, { ...unassigned, allowed_fields: allowedFor("requester") })).toBeNull();
    expect(readOnlyReason(ADMIN, { ...theirs, allowed_fields: allowedFor("admin") })).toBeNull();
    expect(readOnlyReason(AGENT, { ...theirs, allowed_fields: allowedFor("otherAgent") })).toBe(
      "This ticket is assigned to someone else: only they or an admin can change it.",
    );
    expect(readOnlyReason(REQUESTER, { ...unassigned, allowed_fields: [] })).toBe("Only the person who opened this ticket can change it.");
  });
});
