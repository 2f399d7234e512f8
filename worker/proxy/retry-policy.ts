import type { TransportError } from "../transport/transport.ts";

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/**
 * Whether a failed attempt may be repeated on another target. A request body is a stream read once, so a request
 * with a body is never repeated (unless the transport proves nothing was sent). Without a body: idempotent
 * methods on any failure; other methods only on a connection failure, never after a timeout (the target may be
 * working on it).
 */
export function mayRetry(method: string, hasBody: boolean, error: TransportError): boolean {
  if (error.requestSent === false) return true;
  if (hasBody) return false;
  if (IDEMPOTENT.has(method)) return true;
  return error.code === "connect-failed";
}
