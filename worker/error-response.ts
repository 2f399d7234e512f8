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

/** Cloudflare's ray id when it looks like one, else a fresh random id. */
export function requestIdOf(headers: Headers): string {
  const ray = headers.get("cf-ray");
  if (ray !== null && /^[0-9a-f]{16}(-[A-Z]{3})?$/.test(ray)) return ray;
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
