import type { ServerResponse } from "node:http";

/** One entry of the v4 envelope's `errors` (and `messages`) arrays. */
export interface ApiMessage {
  readonly code: number;
  readonly message: string;
}

export interface ResultInfo {
  readonly page: number;
  readonly per_page: number;
  readonly count: number;
  readonly total_count: number;
  readonly total_pages: number;
}

/** An error answer the handlers throw; the server turns it into the v4 envelope. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly errors: readonly ApiMessage[], readonly headers: Readonly<Record<string, string>> = {}) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join("; "));
  }
}

export function failure(status: number, code: number, message: string): ApiFailure {
  return new ApiFailure(status, [{ code, message }]);
}

/** `{success: true, errors: [], messages: [], result[, result_info]}`, as every v4 endpoint answers. */
export function sendResult(response: ServerResponse, result: unknown, resultInfo?: ResultInfo, status = 200): void {
  sendJson(response, status, { success: true, errors: [], messages: [], result, ...(resultInfo === undefined ? {} : { result_info: resultInfo }) });
}

export function sendFailure(response: ServerResponse, failed: ApiFailure): void {
  for (const [name, value] of Object.entries(failed.headers)) response.setHeader(name, value);
  sendJson(response, failed.status, { success: false, errors: failed.errors, messages: [], result: null });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** Pages a list the way v4 list endpoints do: `page` from 1, `per_page` capped at `maxPerPage`. */
export function paginate<T>(items: readonly T[], query: URLSearchParams, defaultPerPage: number, maxPerPage: number): { page: T[]; info: ResultInfo } {
  const page = positiveInt(query.get("page"), 1, "page");
  const perPage = Math.min(maxPerPage, positiveInt(query.get("per_page"), defaultPerPage, "per_page"));
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  return {
    page: slice,
    info: { page, per_page: perPage, count: slice.length, total_count: items.length, total_pages: Math.ceil(items.length / perPage) },
  };
}

function positiveInt(text: string | null, fallback: number, name: string): number {
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw failure(400, 1004, `${name} must be a positive integer`);
  return value;
}
