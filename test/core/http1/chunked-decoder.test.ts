import { describe, expect, it } from "vitest";
import { ChunkedDecoder } from "../../../core/http1/chunked-decoder.ts";

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (parts: Uint8Array[]): string => parts.map((part) => String.fromCharCode(...part)).join("");

function decodeWhole(wire: string): { body: string; done: boolean } {
  const decoder = new ChunkedDecoder();
  const body = text(decoder.push(bytes(wire)));
  return { body, done: decoder.done };
}

function codeOf(wire: string): string {
  try {
    const decoder = new ChunkedDecoder();
    decoder.push(bytes(wire));
    decoder.finish();
    return "accepted";
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe("ChunkedDecoder", () => {
  it("joins the chunks' data and stops at the last chunk", () => {
    expect(decodeWhole("5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n")).toEqual({ body: "hello 0123456789", done: true });
  });

  it("decodes the same body however the wire is split", () => {
    const wire = "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n";
    for (let a = 0; a <= wire.length; a++) {
      for (let b = a; b <= wire.length; b += 7) {
        const decoder = new ChunkedDecoder();
        const body = text([...decoder.push(bytes(wire.slice(0, a))), ...decoder.push(bytes(wire.slice(a, b))), ...decoder.push(bytes(wire.slice(b)))]);
        expect(body, `split at ${a}, ${b}`).toBe("abc0123456789abcdef");
        expect(decoder.done).toBe(true);
      }
    }
  });

  it("accepts chunk extensions with tokens, quoted strings and whitespace around ; and =", () => {
    expect(decodeWhole('2 ; a = b ;c="x;\\"y"\r\nok\r\n0;last\r\n\r\n')).toEqual({ body: "ok", done: true });
  });

  it("reads and drops valid trailer fields", () => {
    expect(decodeWhole("2\r\nok\r\n0\r\nDigest: x\r\nX-B: y\r\n\r\n")).toEqual({ body: "ok", done: true });
  });

  it("ignores whatever follows the last chunk (the connection closes after it)", () => {
    expect(decodeWhole("2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")).toEqual({ body: "ok", done: true });
  });

  it("reports a body cut short by the connection closing", () => {
    expect(codeOf("5\r\nhel")).toBe("body-truncated");
    expect(codeOf("5\r\nhello\r\n")).toBe("body-truncated");
    expect(codeOf("5\r\nhello\r\n0\r\n")).toBe("body-truncated");
  });

  it.each([
    ["5\r\nhelloX\r\n0\r\n\r\n", "bad-chunk"],
    ["3\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["5\nhello\r\n0\r\n\r\n", "bad-line-ending"],
    ["5\r\nhello\n0\r\n\r\n", "bad-chunk"],
    ["5\r\nhello\r\n0\n\n", "bad-line-ending"],
    ["5\rhello\r\n0\r\n\r\n", "bad-line-ending"],
    ["-5\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["+5\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["0x5\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    [" 5\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["5 \r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["5;\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["5;a=\"open\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["5 junk\r\nhello\r\n0\r\n\r\n", "bad-chunk"],
    ["fffffffffffffffff\r\n", "bad-chunk"],
    ["20000000000000\r\n", "bad-chunk"],
    ["2\r\nok\r\n0\r\nBad Trailer: x\r\n\r\n", "bad-header-field"],
    ["2\r\nok\r\n0\r\n folded: x\r\n\r\n", "obs-fold"],
  ])("refuses %j with %s", (wire, code) => {
    expect(codeOf(wire)).toBe(code);
  });

  it("refuses an endless chunk-size line and an endless trailer section", () => {
    expect(codeOf(`1;${"a".repeat(5000)}`)).toBe("bad-chunk");
    expect(codeOf(`0\r\n${"X-A: b\r\n".repeat(3000)}`)).toBe("bad-chunk");
  });

  it("accepts the largest chunk size that stays a safe integer", () => {
    const decoder = new ChunkedDecoder();
    expect(() => decoder.push(bytes("1fffffffffffff\r\n"))).not.toThrow();
  });
});
