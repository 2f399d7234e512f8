import { parseFieldLine, preview } from "./field-syntax.ts";
import { Http1Error } from "./http1-error.ts";
import { decodeLatin1 } from "./latin1.ts";

export interface ResponseHead {
  readonly version: "1.0" | "1.1";
  readonly status: number;
  readonly reason: string;
  /** In order, names as sent; duplicates kept (framing checks need to see them). */
  readonly fields: readonly (readonly [string, string])[];
}

export const DEFAULT_MAX_HEADER_FIELDS = 256;

/** RFC 9112 §4: `HTTP/1.x SP 3DIGIT SP reason-phrase`; the reason may be empty, and then the second SP is tolerated missing. */
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-5][0-9][0-9])(?: ([\t\x20-\x7e\x80-\xff]*))?$/;

/**
 * Parses a complete response head — the bytes {@link HeadScanner} delimited, final CRLF CRLF included, so line
 * endings are already known to be CRLF. Pure; throws {@link Http1Error} on anything outside the grammar.
 */
export function parseResponseHead(bytes: Uint8Array, maxFields = DEFAULT_MAX_HEADER_FIELDS): ResponseHead {
  const text = decodeLatin1(bytes);
  if (!text.endsWith("\r\n\r\n")) throw new Http1Error("bad-line-ending", "a response head must end with an empty line");
  const lines = text.slice(0, -4).split("\r\n");
  const statusLine = lines[0] ?? "";
  const status = STATUS_LINE.exec(statusLine);
  if (status === null) throw new Http1Error("bad-status-line", `invalid status line ${JSON.stringify(preview(statusLine))}`);
  if (lines.length - 1 > maxFields) throw new Http1Error("too-many-headers", `more than ${maxFields} header fields`);
  const fields = lines.slice(1).map(parseFieldLine);
  return {
    version: status[1] === "0" ? "1.0" : "1.1",
    status: Number(status[2]),
    reason: status[3] ?? "",
    fields,
  };
}
