// The typed API client. Every path, parameter and body is checked against schema.d.ts,
// generated from the service's /openapi.json: an API change breaks `npm run build`.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
export type Ticket = Schemas["TicketOut"];
export type TicketDetail = Schemas["TicketDetail"];
export type TicketCreate = Schemas["TicketCreate"];
export type TicketUpdate = Schemas["TicketUpdate"];
export type Comment = Schemas["CommentOut"];
export type TimelineEntry = Schemas["TimelineOut"];
export type User = Schemas["UserOut"];
export type Status = Schemas["Status"];
export type Priority = Schemas["Priority"];
export type UserPage = Schemas["Page_UserOut_"];


/** The service's `{"error": {"code", "message", "field"?}}`, as an exception. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const NETWORK_ERROR = "NETWORK_ERROR";

let token: string | null = null;
let onUnauthorized: ((message: string) => void) | null = null;

/** The bearer token sent with every request (null: signed out). */
export function setToken(value: string | null): void {
  token = value;
}

/** Called when the service answers 401 to a signed-in request (expired or revoked token). */
export function setUnauthorizedHandler(handler: ((message: string) => void) | null): void {
  onUnauthorized = handler;
}

export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  // Looked up at call time, so tests can replace globalThis.fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});

api.use({
  onRequest({ request }) {
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
});

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful call and its response (for headers), or an ApiError. */
export async function call<T>(pending: Promise<Result<T>>): Promise<{ data: T; response: Response }> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch {
    throw new ApiError(0, NETWORK_ERROR, "The service cannot be reached; check your connection and retry");
  }
  const { data, error, response } = result;
  if (response.ok) return { data: data as T, response };
  const detail = (error as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
  const failure = new ApiError(
    response.status,
    detail?.code ?? "HTTP_" + response.status,
    detail?.message ?? `The service answered ${response.status}`,
    detail?.field ?? undefined,
  );
  if (response.status === 401 && token && !response.url.endsWith("/api/login")) {
    onUnauthorized?.(failure.message);
  }
  throw failure;
}

/** A fresh Idempotency-Key; getRandomValues works outside secure contexts too. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code === "OPTIMISTIC_LOCK";
}
