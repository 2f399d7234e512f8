import { describe, expect, it } from "vitest";
import { parseResponseHead } from "../../../core/http1/parse-response-head.ts";

const head = (text: string) => parseResponseHead(Uint8Array.from(text, (c) => c.charCodeAt(0)));
const codeOf = (text: string): string => {
  try {
    head(text);
    return "accepted";
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("parseResponseHead", () => {
  it("reads version, status, reason and fields in order, duplicates kept", () => {
    expect(head("HTTP/1.1 404 Not Found\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Empty:\r\n\r\n")).toEqual({
      version: "1.1",
      status: 404,
      reason: "Not Found",
      fields: [["Set-Cookie", "a=1"], ["set-cookie", "b=2"], ["X-Empty", ""]],
    });
  });

  it("accepts HTTP/1.0, an empty reason, and a status line without the reason's space", () => {
    expect(head("HTTP/1.0 200 \r\n\r\n")).toMatchObject({ version: "1.0", status: 200, reason: "" });
    expect(head("HTTP/1.1 204\r\n\r\n")).toMatchObject({ status: 204, reason: "" });
  });

  it("trims optional whitespace around a field value, not inside it", () => {
    expect(head("HTTP/1.1 200 OK\r\nX-A: \t one  two \t\r\n\r\n").fields).toEqual([["X-A", "one  two"]]);
  });

  it("keeps obs-text bytes in values and reasons as Latin-1 characters", () => {
    expect(head("HTTP/1.1 200 D\u00e9j\u00e0\r\nX-A: caf\u00e9\r\n\r\n")).toMatchObject({ reason: "D\u00e9j\u00e0", fields: [["X-A", "caf\u00e9"]] });
  });

  it.each([
    ["HTTP/1.1 200 OK\r\n", "bad-line-ending"],
    ["HTTP/2 200 OK\r\n\r\n", "bad-status-line"],
    ["HTTP/1.1 99 Low\r\n\r\n", "bad-status-line"],
    ["HTTP/1.1 600 High\r\n\r\n", "bad-status-line"],
    ["HTTP/1.1 2000 OK\r\n\r\n", "bad-status-line"],
    ["HTTP/1.1  200 OK\r\n\r\n", "bad-status-line"],
    ["http/1.1 200 OK\r\n\r\n", "bad-status-line"],
    [" HTTP/1.1 200 OK\r\n\r\n", "bad-status-line"],
    ["\r\nHTTP/1.1 200 OK\r\n\r\n", "bad-status-line"],
    ["HTTP/1.1 200 O\u0000K\r\n\r\n", "bad-status-line"],
    ["HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "obs-fold"],
    ["HTTP/1.1 200 OK\r\n\tX-A: 1\r\n\r\n", "obs-fold"],
    ["HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n", "bad-header-field"],
    ["HTTP/1.1 200 OK\r\nNo colon\r\n\r\n", "bad-header-field"],
    ["HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "bad-header-field"],
    ["HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n", "bad-header-field"],
    ["HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n", "bad-header-field"],
    ["HTTP/1.1 200 OK\r\nX-A: a\u0007b\r\n\r\n", "bad-header-field"],
    ["HTTP/1.1 200 OK\r\nX-A: a\u007fb\r\n\r\n", "bad-header-field"],
  ])("refuses %j with %s", (text, code) => {
    expect(codeOf(text)).toBe(code);
  });

  it("refuses more header fields than the limit", () => {
    const fields = Array.from({ length: 5 }, (_, i) => `X-${i}: ${i}\r\n`).join("");
    expect(() => parseResponseHead(Uint8Array.from(`HTTP/1.1 200 OK\r\n${fields}\r\n`, (c) => c.charCodeAt(0)), 4)).toThrow(
      expect.objectContaining({ code: "too-many-headers" }),
    );
  });
});
