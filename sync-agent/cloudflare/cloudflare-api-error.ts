import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "cloudflare";

export type CloudflareErrorCode =
  /** Connection refused, reset, DNS failure. */
  | "unreachable"
  | "timeout"
  /** 401/403: the token is invalid, or lacks a permission (or the plan lacks the feature). */
  | "unauthorized"
  /** 404: a zone, namespace, record or certificate that is not there. */
  | "not-found"
  /** 400/409/413/422: the API refused what we sent. */
  | "rejected"
  /** 429, still there after the retries Retry-After allowed. */
  | "rate-limited"
  /** 5xx or anything else. */
  | "failed";

export interface ApiErrorEntry {
  readonly code: number;
  readonly message: string;
}

/** A failed Cloudflare API call: what we tried, the typed code, the HTTP status and the API's own error codes. */
export class CloudflareApiError extends Error {
  constructor(
    readonly code: CloudflareErrorCode,
    message: string,
    readonly status?: number,
    readonly apiErrors: readonly ApiErrorEntry[] = [],
    /** From Retry-After on a 429 or 503. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "CloudflareApiError";
  }
}

/** Turns whatever the SDK threw while doing `action` (e.g. "create DNS record shop.example.com") into a {@link CloudflareApiError}. */
export function toCloudflareApiError(error: unknown, action: string, nowMs: number = Date.now()): CloudflareApiError {
  if (error instanceof CloudflareApiError) return error;
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return new CloudflareApiError("timeout", `${action}: no answer from the Cloudflare API in time`);
  }
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: { cause?: { code?: string }; message?: string } }).cause;
    return new CloudflareApiError("unreachable", `${action}: cannot reach the Cloudflare API (${cause?.cause?.code ?? cause?.message ?? error.message})`);
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const entries = readErrors(error.errors);
    const status = error.status;
    const detail = entries.length > 0 ? entries.map((e) => `${e.message} (${e.code})`).join("; ") : `HTTP ${status}`;
    const retryAfterMs = parseRetryAfter(error.headers?.get("retry-after") ?? null, nowMs);
    return new CloudflareApiError(codeOfStatus(status), `${action}: ${detail}`, status, entries, retryAfterMs);
  }
  return new CloudflareApiError("failed", `${action}: ${error instanceof Error ? error.message : String(error)}`);
}

function codeOfStatus(status: number): CloudflareErrorCode {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not-found";
  if (status === 429) return "rate-limited";
  if (status === 400 || status === 409 || status === 413 || status === 414 || status === 422) return "rejected";
  return "failed";
}

function readErrors(errors: unknown): ApiErrorEntry[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) return [];
    const { code, message } = entry as { code?: unknown; message?: unknown };
    return [{ code: typeof code === "number" ? code : 0, message: typeof message === "string" ? message : "" }];
  });
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** True when the API's answer carries error `code` (e.g. 81058, identical record). */
export function hasApiError(error: CloudflareApiError, code: number): boolean {
  return error.apiErrors.some((entry) => entry.code === code);
}
