import { Http1Error } from "./http1-error.ts";

/** RFC 9110 §5.6.2 token. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5 field-value characters: VCHAR, obs-text, SP, HTAB — no CR, LF, NUL or other controls. */
export const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * One `name: value` line (its CRLF already removed). Strict, as RFC 9112 §5 asks of a proxy: no whitespace
 * before the colon (§5.1 says such a message MUST be rejected), no obs-fold (§5.2), no control characters.
 */
export function parseFieldLine(line: string): readonly [string, string] {
  if (line.startsWith(" ") || line.startsWith("\t")) {
    throw new Http1Error("obs-fold", "a header line starts with whitespace (obs-fold or a header smuggling attempt)");
  }
  const colon = line.indexOf(":");
  if (colon <= 0) throw new Http1Error("bad-header-field", `a header line has no name: ${JSON.stringify(preview(line))}`);
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) throw new Http1Error("bad-header-field", `invalid header name ${JSON.stringify(preview(name))}`);
  const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, "");
  if (!FIELD_VALUE.test(value)) throw new Http1Error("bad-header-field", `header ${name} has a control character in its value`);
  return [name, value];
}

/** Enough of a bad line to recognise it in a log; never the whole (possibly huge) thing. */
export function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
