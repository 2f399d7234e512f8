import { Http1Error } from "./http1-error.ts";
import type { ResponseHead } from "./parse-response-head.ts";

/** How the body of a response is delimited (RFC 9112 §6.3). */
export type ResponseFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  /** Neither Content-Length nor Transfer-Encoding: the body runs until the server closes the connection. */
  | { readonly kind: "until-close" };

/**
 * Decides the framing of a final response, refusing every ambiguous case rather than picking one reading of it:
 * Transfer-Encoding together with Content-Length, more than one Content-Length (even equal ones), a
 * Content-Length that is not plain digits, any transfer coding but a single `chunked`, Transfer-Encoding in an
 * HTTP/1.0 response. The head is checked even when no body follows (HEAD, 204, 304), so a bad one never passes.
 */
export function decideResponseFraming(head: ResponseHead, requestMethod: string): ResponseFraming {
  const lengths: string[] = [];
  const codings: string[] = [];
  for (const [name, value] of head.fields) {
    const lower = name.toLowerCase();
    if (lower === "content-length") lengths.push(value);
    else if (lower === "transfer-encoding") codings.push(...value.split(",").map((coding) => coding.trim().toLowerCase()));
  }
  if (lengths.length > 0 && codings.length > 0) {
    throw new Http1Error("conflicting-framing", "response has both Transfer-Encoding and Content-Length");
  }
  if (lengths.length > 1) throw new Http1Error("duplicate-content-length", `response has ${lengths.length} Content-Length fields`);
  let length: number | null = null;
  const [rawLength] = lengths;
  if (rawLength !== undefined) {
    // 15 digits keep every accepted value a safe integer; no commas, signs or spaces (no "5, 5" lists).
    if (!/^[0-9]{1,15}$/.test(rawLength)) throw new Http1Error("bad-content-length", `invalid Content-Length ${JSON.stringify(rawLength.slice(0, 40))}`);
    length = Number(rawLength);
  }
  if (codings.length > 0) {
    if (head.version === "1.0") throw new Http1Error("unsupported-transfer-encoding", "Transfer-Encoding in an HTTP/1.0 response");
    if (codings.length !== 1 || codings[0] !== "chunked") {
      throw new Http1Error("unsupported-transfer-encoding", `unsupported Transfer-Encoding ${JSON.stringify(codings.join(", ").slice(0, 60))} (only a single "chunked" is accepted)`);
    }
  }
  if (requestMethod === "HEAD" || head.status < 200 || head.status === 204 || head.status === 304) return { kind: "none" };
  if (codings.length > 0) return { kind: "chunked" };
  if (length !== null) return { kind: "length", length };
  return { kind: "until-close" };
}
