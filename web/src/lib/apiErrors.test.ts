// The API's refusals in a person's words, beside the field the form shows them at.
import { describe, expect, it } from "vitest";
import { ApiError } from "./api/client";
import { checkErrors, checkWholeNumber, explain, formErrors, withoutField, type FormWords } from "./apiErrors";

const invalid = (field: string, message: string) => new ApiError(400, "FIELD_INVALID", message, field);
const TICKET: FormWords = {
  title: "Title",
  sla_minutes: { name: "SLA", range: { min: 0, max: 525_600, unit: "minutes" } },
  assignee_id: "Assignee",
};

describe("a refused field, in words", () => {
  it.each([
    [invalid("sla_minutes", "sla_minutes: Input should be a valid integer"), "SLA must be between 0 and 525,600 minutes"],
    [invalid("sla_minutes", "sla_minutes: Input should be less than or equal to 525600"), "SLA must be between 0 and 525,600 minutes"],
    [invalid("sla_minutes", "sla_minutes: Input should be greater than or equal to 0"), "SLA must be between 0 and 525,600 minutes"],
    [new ApiError(400, "FIELD_REQUIRED", "title is required", "title"), "Title is required"],
    [invalid("title", "title: must be at most 200 characters"), "Title must be at most 200 characters long"],
    [invalid("title", "title: String should have at most 200 characters"), "Title must be at most 200 characters long"],
    [invalid("assignee_id", "assignee_id: Input should be a valid integer"), "Assignee must be a whole number"],
    [invalid("title", "title: must not contain the NUL character"), "Title must not contain the NUL character"],
  ])("%s", (error, words) => {
    expect(explain(error, TICKET)).toEqual({ field: error.field, message: words });
  });

  it("names an account's fields by their labels", () => {
    const words = { email: "Email", password: "Password", new_password: "New password", current_password: "Current password", role: "Role" };
    expect(explain(invalid("email", "email: is not a valid email address"), words).message).toBe("Enter an email address like name@example.com");
    expect(explain(invalid("email", "email: must not mix letters of different scripts in one part"), words).message).toBe(
      "Email must not mix letters of different scripts in one part",
    );
    expect(explain(invalid("new_password", "new_password: must be 8 to 72 bytes long"), words).message).toBe("New password must be 8 to 72 characters long");
    expect(explain(invalid("current_password", "Current password is wrong"), words)).toEqual({ field: "current_password", message: "Current password is wrong" });
    expect(explain(invalid("role", "role: Input should be 'user', 'agent' or 'admin'"), words).message).toBe("Choose one of the options for Role");
  });

  it("a field the form does not show goes above it, still in words where known", () => {
    expect(explain(new ApiError(409, "EMAIL_TAKEN", "An account with this email already exists", "email"), {})).toEqual({
      message: "An account with this email already exists",
    });
    expect(formErrors(new ApiError(403, "FORBIDDEN", "Only agents and admins may write internal notes", "internal"), { body: "Reply" })).toEqual({
      fields: {},
      summary: "Only agents and admins may write internal notes",
    });
  });
});

describe("codes, in sentences", () => {
  it.each([
    [new ApiError(403, "ACCOUNT_DEACTIVATED", "This account is deactivated; ask an admin to reactivate it"), "This account has been deactivated"],
    [new ApiError(401, "INVALID_CREDENTIALS", "Wrong email or password"), "Wrong email or password"],
    [new ApiError(409, "CANNOT_CHANGE_OWN_ACCOUNT", "You cannot demote or deactivate your own account", "role"), "You can't demote yourself"],
    [new ApiError(409, "CANNOT_CHANGE_OWN_ACCOUNT", "You cannot demote or deactivate your own account", "active"), "You can't deactivate yourself"],
    [new ApiError(409, "LAST_ADMIN", "This is the last active admin: it cannot be demoted or deactivated", "role"), "There must always be one active admin"],
    [new ApiError(409, "OPTIMISTIC_LOCK", "Stale version, use latest version"), "This ticket changed since you opened it"],
    [new ApiError(429, "RATE_LIMIT", "Too many requests; retry in 12 s"), "Too many attempts: wait 12 seconds and try again"],
    [new ApiError(0, "NETWORK_ERROR", "The service cannot be reached; check your connection and retry"), "The service cannot be reached; check your connection and retry"],
    [new Error("boom"), "boom"],
  ])("%s", (error, sentence) => {
    expect(explain(error).message).toBe(sentence);
  });
});

describe("a form's own checks", () => {
  it("say each missing field beside it, and one line above the form", () => {
    expect(checkErrors({ email: "Enter your email", password: undefined })).toEqual({
      fields: { email: "Enter your email" },
      summary: "Please correct the field marked below.",
    });
    expect(checkErrors({ email: "Enter your email", password: "Enter your password" }).summary).toBe("Please correct the fields marked below.");
    expect(checkErrors({ email: undefined })).toEqual({ fields: {}, summary: null });
  });

  it("take a whole number in range, and say the range otherwise", () => {
    const range = { min: 0, max: 525_600, unit: "minutes" };
    expect(checkWholeNumber("0", "SLA", range)).toBeUndefined();
    expect(checkWholeNumber(" 525600 ", "SLA", range)).toBeUndefined();
    expect(checkWholeNumber("", "SLA", range)).toBeUndefined();
    for (const bad of ["525601", "-1", "1.5", "ten", "1e3"]) {
      expect(checkWholeNumber(bad, "SLA", range)).toBe("SLA must be between 0 and 525,600 minutes");
    }
  });
});

describe("editing a field the checks refused", () => {
  it("takes back that field's message, and the line above the form once none is left", () => {
    const both = checkErrors({ email: "Enter your email", password: "Enter your password" });
    const one = withoutField(both, "email");
    expect(one).toEqual({ fields: { password: "Enter your password" }, summary: "Please correct the field marked below." });
    expect(withoutField(one, "password")).toBeNull();
    expect(withoutField(one, "name")).toBe(one);
    expect(withoutField(null, "email")).toBeNull();
  });
});
