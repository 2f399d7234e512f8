import { encodeChunk, LAST_CHUNK, type RequestFraming } from "../../core/http1/request-head.ts";

/**
 * How the request body goes on the wire: its declared length when the client gave one (so the backend sees the
 * same Content-Length), chunked when the length is unknown, nothing when there is no body — except a
 * `Content-Length: 0` for the methods that normally carry one, as RFC 9110 §8.6 asks.
 */
export function chooseRequestFraming(method: string, headers: Headers, hasBody: boolean): RequestFraming {
  if (!hasBody) return method === "POST" || method === "PUT" || method === "PATCH" ? { kind: "length", length: 0 } : { kind: "none" };
  const declared = headers.get("content-length");
  if (declared !== null && /^[0-9]{1,15}$/.test(declared)) return { kind: "length", length: Number(declared) };
  return { kind: "chunked" };
}

/** Why sending stopped early; null when the whole request was written. */
export type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly fault: "client" | "target"; readonly detail: string };

/**
 * Writes the head, then streams the body with backpressure. Never writes more than a declared length — bytes
 * beyond it would reach the backend as the start of a second request — and reports a body that ends early or
 * runs long as the client's fault, so the caller can abort the connection rather than leave a half request.
 */
export async function writeRequest(writable: WritableStream<Uint8Array>, head: Uint8Array, framing: RequestFraming, body: ReadableStream<Uint8Array> | null): Promise<SendOutcome> {
  const writer = writable.getWriter();
  const write = async (bytes: Uint8Array): Promise<SendOutcome | null> => {
    try {
      await writer.write(bytes);
      return null;
    } catch (error) {
      return { ok: false, fault: "target", detail: `writing to the target failed: ${messageOf(error)}` };
    }
  };
  try {
    const headFailure = await write(head);
    if (headFailure !== null) return headFailure;
    if (body === null || framing.kind === "none") return { ok: true };
    const reader = body.getReader();
    let sent = 0;
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return { ok: false, fault: "client", detail: `the client's request body failed: ${messageOf(error)}` };
      }
      if (chunk.done) break;
      const bytes = chunk.value instanceof Uint8Array ? chunk.value : new Uint8Array(chunk.value);
      if (framing.kind === "length") {
        if (sent + bytes.length > framing.length) {
          await reader.cancel().catch(() => undefined);
          return { ok: false, fault: "client", detail: "the request body is longer than its Content-Length" };
        }
        sent += bytes.length;
        const failure = await write(bytes);
        if (failure !== null) return failure;
      } else {
        const encoded = encodeChunk(bytes);
        const failure = encoded.length === 0 ? null : await write(encoded);
        if (failure !== null) return failure;
      }
    }
    if (framing.kind === "length" && sent !== framing.length) return { ok: false, fault: "client", detail: "the request body is shorter than its Content-Length" };
    if (framing.kind === "chunked") {
      const failure = await write(LAST_CHUNK);
      if (failure !== null) return failure;
    }
    return { ok: true };
  } finally {
    // Not closed: closing would half-close the connection, which some servers take as the client going away.
    writer.releaseLock();
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
