// The API's refusals in a person's words. The service names the field it refuses by its
// API name (`sla_minutes`) with a message meant for a developer ("sla_minutes: Input
// should be a valid integer"); a form says the same thing with the label the person sees
// ("SLA must be between 0 and 525,600 minutes"), beside that field. Known codes become
// sentences ("There must always be one active admin"), whatever form they come from.
import { ApiError } from "./api/client";
import { capitalize, formatNumber } from "./format";

/** How a form names one of its fields in a sentence, and for a number, its range. */
export interface FieldWords {
  /** The field as a sentence names it: "Title", "SLA", "New password". */
  name: string;
  /** A whole number's range: any refusal of its value says the range. */
  range?: { min: number; max: number | undefined; unit: string };
}

/** A form's fields by their API names: a name alone, or FieldWords. */
export type FormWords = Record<string, string | FieldWords>;

export interface Explained {
  /** The form's field the message belongs beside; none: above the form. */
  field?: string;
  message: string;
}

// Codes whose sentence does not depend on the field.
const CODE_SENTENCES: Record<string, string> = {
  ACCOUNT_DEACTIVATED: "This account has been deactivated",
  INVALID_CREDENTIALS: "Wrong email or password",
  LAST_ADMIN: "There must always be one active admin",
  OPTIMISTIC_LOCK: "This ticket changed since you opened it",
  TICKET_CLOSED: "This ticket is closed: it takes no new replies. Open a follow-up instead",
  EMAIL_TAKEN: "An account with this email already exists",
  UNAUTHORIZED: "Your session has ended: sign in again",
  NOT_FOUND: "This no longer exists, or you cannot see it",
};

// An admin's own account: the field says which change it was.
const OWN_ACCOUNT: Record<string, string> = {
  role: "You can't demote yourself",
  active: "You can't deactivate yourself",
};

function wordsOf(words: FormWords, field: string): FieldWords | undefined {
  const given = words[field];
  return typeof given === "string" ? { name: given } : given;
}

/** The sentence for a FIELD_INVALID / FIELD_REQUIRED message about `words`' field. */
function fieldSentence(code: string, message: string, words: FieldWords): string {
  const { name, range } = words;
  if (code === "FIELD_REQUIRED") return `${name} is required`;
  // The service prefixes the field's API name: "sla_minutes: Input should be ...".
  const said = message.replace(/^[\w.]+: /, "");
  if (range && /valid integer|less than|greater than|valid number/i.test(said)) return rangeSentence(name, range);
  let match: RegExpMatchArray | null;
  if (/valid integer/i.test(said)) return `${name} must be a whole number`;
  if ((match = said.match(/less than or equal to (-?\d+)/i))) return `${name} must be at most ${formatNumber(Number(match[1]))}`;
  if ((match = said.match(/greater than or equal to (-?\d+)/i))) return `${name} must be at least ${formatNumber(Number(match[1]))}`;
  if ((match = said.match(/at most (\d+) characters/i))) return `${name} must be at most ${formatNumber(Number(match[1]))} characters long`;
  if ((match = said.match(/at least (\d+) characters/i))) return `${name} must be at least ${formatNumber(Number(match[1]))} characters long`;
  // Passwords are counted in bytes (bcrypt's limit); for the letters people type, characters.
  if ((match = said.match(/must be (\d+) to (\d+) bytes long/i))) return `${name} must be ${match[1]} to ${match[2]} characters long`;
  if ((match = said.match(/at most (\d+) bytes long/i))) return `${name} must be at most ${match[1]} characters long`;
  if (/not a valid email address/i.test(said)) return "Enter an email address like name@example.com";
  if (/^Input should be '/i.test(said)) return `Choose one of the options for ${name}`;
  if (/^Input should be a valid/i.test(said)) return `${name} has a value the desk cannot read`;
  // The service's own sentences about the field ("must not contain ...", "Current password
  // is wrong"): after the field's name when they start with a verb.
  if (/^(must|is|may) /.test(said)) return `${name} ${said}`;
  return capitalize(said);
}

function rangeSentence(name: string, range: NonNullable<FieldWords["range"]>): string {
  if (range.max === undefined) return `${name} must be a whole number of ${range.unit}, at least ${formatNumber(range.min)}`;
  return `${name} must be between ${formatNumber(range.min)} and ${formatNumber(range.max)} ${range.unit}`;
}

/** What went wrong, in words, and beside which of the form's fields (`words`' keys). */
export function explain(error: unknown, words: FormWords = {}): Explained {
  if (!(error instanceof ApiError)) {
    return { message: error instanceof Error && error.message ? error.message : "Something went wrong; try again" };
  }
  const field = error.field !== undefined && error.field in words ? error.field : undefined;
  const placed = (message: string): Explained => (field ? { field, message } : { message });
  if (error.code === "CANNOT_CHANGE_OWN_ACCOUNT") {
    return placed(OWN_ACCOUNT[error.field ?? ""] ?? "You can't demote or deactivate yourself");
  }
  const sentence = CODE_SENTENCES[error.code];
  if (sentence) return placed(sentence);
  if (error.code === "RATE_LIMIT") {
    const seconds = error.message.match(/(\d+) s/)?.[1];
    return { message: seconds ? `Too many attempts: wait ${seconds} seconds and try again` : "Too many attempts: wait a moment and try again" };
  }
  if ((error.code === "FIELD_INVALID" || error.code === "FIELD_REQUIRED") && field) {
    return { field, message: fieldSentence(error.code, error.message, wordsOf(words, field)!) };
  }
  if (error.code === "FIELD_REQUIRED" && !error.field) return { message: error.message };
  return placed(error.message);
}

/** A form's errors: the messages beside its fields, and the line above the form (a role
 * "alert" there says something went wrong, even when the message is beside a field). */
export interface FormErrors {
  fields: Partial<Record<string, string>>;
  summary: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, summary: null };

/** The errors a form shows for a refused request. */
export function formErrors(error: unknown, words: FormWords): FormErrors {
  if (!error) return NO_ERRORS;
  const { field, message } = explain(error, words);
  if (field) return { fields: { [field]: message }, summary: "Please correct the field marked below." };
  return { fields: {}, summary: message };
}

/** The errors of the form's own checks, made before sending (a required field left empty). */
export function checkErrors(fields: Partial<Record<string, string | undefined>>): FormErrors {
  const found = Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const count = Object.keys(found).length;
  if (!count) return NO_ERRORS;
  return { fields: found, summary: count === 1 ? "Please correct the field marked below." : "Please correct the fields marked below." };
}

/** `value` as a whole number within `range`, or the sentence that says the range. */
export function checkWholeNumber(value: string, name: string, range: NonNullable<FieldWords["range"]>): string | undefined {
  const text = value.trim();
  if (!text) return undefined;
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  const fits = Number.isSafeInteger(number) && number >= range.min && (range.max === undefined || number <= range.max);
  return fits ? undefined : rangeSentence(name, range);
}

/** The form's own check errors less the one of `field`, which the person is now editing;
 * null when none is left. */
export function withoutField(errors: FormErrors | null, field: string): FormErrors | null {
  if (!errors || !(field in errors.fields)) return errors;
  const { [field]: _edited, ...rest } = errors.fields;
  const left = checkErrors(rest);
  return left.summary ? left : null;
}
