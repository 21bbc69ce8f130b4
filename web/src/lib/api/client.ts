// The typed API client. Every path, parameter and body is checked against schema.d.ts,
// generated from the service's /openapi.json: an API change breaks `npm run build`.
// The client holds no session of its own: whoever creates it (the SessionProvider) says
// which token it sends and what a refused token means.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "@/api/schema";

export type ApiClient = Client<paths>;

export interface ApiAuth {
  /** The bearer token every request carries (null: signed out). */
  token: string | null;
  /** The service answered 401 to a signed-in request: the token expired or was revoked. */
  onUnauthorized: () => void;
}

export function createApiClient({ token, onUnauthorized }: ApiAuth): ApiClient {
  const client = createClient<paths>({
    baseUrl: typeof window === "undefined" ? "" : window.location.origin,
    // Looked up at call time, so tests can replace globalThis.fetch.
    fetch: (request: Request) => globalThis.fetch(request),
  });
  client.use({
    onRequest({ request }) {
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401 && token && !response.url.endsWith("/api/login")) onUnauthorized();
    },
  });
  return client;
}

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

const NETWORK_ERROR = "NETWORK_ERROR";

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
  throw new ApiError(
    response.status,
    detail?.code ?? "HTTP_" + response.status,
    detail?.message ?? `The service answered ${response.status}`,
    detail?.field ?? undefined,
  );
}

/** A fresh Idempotency-Key; getRandomValues works outside secure contexts too. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code === "OPTIMISTIC_LOCK";
}
