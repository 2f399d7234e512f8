import { type Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface LocalRequestOptions {
  readonly method?: string;
  /** The Host header: which Ingress host the edge routes by (the URL names the loopback listener). */
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
  /** A keep-alive agent, for loops of requests; an https URL needs an https agent. */
  readonly agent?: HttpAgent | HttpsAgent;
  /** Aborting rejects with the signal's reason (a TimeoutError for `AbortSignal.timeout`), as fetch does. */
  readonly signal?: AbortSignal;
}

export interface LocalResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export class LocalRequestError extends Error {
  constructor(readonly code: "REQUEST_FAILED" | "REQUEST_TIMEOUT", message: string) {
    super(message);
    this.name = "LocalRequestError";
  }
}

/**
 * One request to the local edge. Not `fetch`: undici drops a Host header, and the edge routes by it. The local
 * https edge serves wrangler's self-signed certificate, so it is not verified (loopback only).
 */
export function requestLocal(url: string, options: LocalRequestOptions = {}): Promise<LocalResponse> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers: Record<string, string> = { ...options.headers };
  if (options.host !== undefined) headers.host = options.host;
  if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
  const send = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const signal = options.signal;
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const request = send(url, { method: options.method ?? "GET", headers, rejectUnauthorized: false, timeout: timeoutMs, ...(options.agent === undefined ? {} : { agent: options.agent }) }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => reject(new LocalRequestError("REQUEST_FAILED", `${url}: ${error.message}`)));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("timeout", () => request.destroy(new LocalRequestError("REQUEST_TIMEOUT", `${url}: no answer within ${timeoutMs} ms`)));
    request.on("error", (error) => reject(error instanceof LocalRequestError || signal?.aborted === true ? error : new LocalRequestError("REQUEST_FAILED", `${url}: ${error.message}`)));
    const abort = (): void => {
      request.destroy(signal?.reason instanceof Error ? signal.reason : new LocalRequestError("REQUEST_FAILED", `${url}: aborted`));
    };
    signal?.addEventListener("abort", abort, { once: true });
    request.on("close", () => signal?.removeEventListener("abort", abort));
    request.end(options.body);
  });
}

/**
 * `fetch` for the local edges, for code written against fetch (the agent's edge publisher): the https edge's
 * certificate is wrangler's self-signed one, which fetch would refuse. Loopback only; bodies are buffered.
 */
export async function fetchLocal(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const body = request.body === null ? undefined : await request.text();
  const answer = await requestLocal(request.url, {
    method: request.method,
    headers: Object.fromEntries(request.headers),
    ...(body === undefined ? {} : { body }),
    ...(init?.signal == null ? {} : { signal: init.signal }),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const empty = answer.status === 204 || answer.status === 205 || answer.status === 304;
  return new Response(empty ? null : answer.body, { status: answer.status, headers });
}
