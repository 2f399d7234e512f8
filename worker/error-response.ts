/**
 * A short plain-text error: what happened and the request id, nothing about targets. `X-Edge-Request-Id` carries
 * the same id for log correlation.
 */
export function errorResponse(status: number, message: string, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\nrequest id: ${requestId}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-edge-request-id": requestId, ...headers },
  });
}

export function jsonResponse(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", "x-edge-request-id": requestId, ...headers },
  });
}

const ID_WORDS = 256;
// Random words drawn in batches: one call into the runtime's random source per 128 request ids, not one each.
const idWords = new Uint32Array(ID_WORDS);
let nextWord = ID_WORDS;

/** The request's id, worked out on first use: only error answers and logs need one, not a proxied request. */
export function lazyRequestId(headers: Headers): () => string {
  let id: string | null = null;
  return () => (id ??= requestIdOf(headers));
}

/** Cloudflare's ray id when it looks like one, else a fresh random id (16 hex digits). */
export function requestIdOf(headers: Headers): string {
  const ray = headers.get("cf-ray");
  if (ray !== null && RAY.test(ray)) return ray;
  if (nextWord + 2 > ID_WORDS) {
    crypto.getRandomValues(idWords);
    nextWord = 0;
  }
  const high = idWords[nextWord++] ?? 0;
  const low = idWords[nextWord++] ?? 0;
  return `${hex8(high)}${hex8(low)}`;
}

const RAY = /^[0-9a-f]{16}(-[A-Z]{3})?$/;

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function hex8(word: number): string {
  return `${HEX_BYTES[word >>> 24] ?? ""}${HEX_BYTES[(word >>> 16) & 255] ?? ""}${HEX_BYTES[(word >>> 8) & 255] ?? ""}${HEX_BYTES[word & 255] ?? ""}`;
}
