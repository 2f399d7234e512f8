import { describe, expect, it } from "vitest";
import { decideResponseFraming } from "../../../core/http1/response-framing.ts";
import type { ResponseHead } from "../../../core/http1/parse-response-head.ts";

const response = (fields: [string, string][], status = 200, version: "1.0" | "1.1" = "1.1"): ResponseHead => ({ version, status, reason: "", fields });
const codeOf = (head: ResponseHead, method = "GET"): string => {
  try {
    return decideResponseFraming(head, method).kind;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("decideResponseFraming", () => {
  it("reads a body of Content-Length bytes", () => {
    expect(decideResponseFraming(response([["Content-Length", "42"]]), "GET")).toEqual({ kind: "length", length: 42 });
  });

  it("reads a chunked body, whatever the case of the coding", () => {
    expect(decideResponseFraming(response([["Transfer-Encoding", "Chunked"]]), "GET")).toEqual({ kind: "chunked" });
  });

  it("reads until the connection closes when neither field is present", () => {
    expect(decideResponseFraming(response([]), "GET")).toEqual({ kind: "until-close" });
  });

  it("expects no body after HEAD, 1xx, 204 and 304, whatever the fields say", () => {
    expect(codeOf(response([["Content-Length", "10"]]), "HEAD")).toBe("none");
    expect(codeOf(response([["Transfer-Encoding", "chunked"]]), "HEAD")).toBe("none");
    expect(codeOf(response([["Content-Length", "10"]], 204))).toBe("none");
    expect(codeOf(response([["Content-Length", "10"]], 304))).toBe("none");
    expect(codeOf(response([], 103))).toBe("none");
  });

  it("refuses Transfer-Encoding together with Content-Length (the classic smuggling pair)", () => {
    expect(codeOf(response([["Content-Length", "5"], ["Transfer-Encoding", "chunked"]]))).toBe("conflicting-framing");
    expect(codeOf(response([["Transfer-Encoding", "chunked"], ["content-length", "5"]]), "HEAD")).toBe("conflicting-framing");
  });

  it("refuses two Content-Length fields, even equal ones, and a list in one field", () => {
    expect(codeOf(response([["Content-Length", "5"], ["Content-Length", "6"]]))).toBe("duplicate-content-length");
    expect(codeOf(response([["Content-Length", "5"], ["content-length", "5"]]))).toBe("duplicate-content-length");
    expect(codeOf(response([["Content-Length", "5, 5"]]))).toBe("bad-content-length");
  });

  it.each(["", "-1", "+5", "0x10", "1e3", "5 ", "1234567890123456", "٣"])("refuses Content-Length %j", (value) => {
    expect(codeOf(response([["Content-Length", value]]))).toBe("bad-content-length");
  });

  it.each(["gzip", "gzip, chunked", "chunked, chunked", "chunked, gzip", "identity", "chunked;q=1", ", chunked", "xchunked"])("refuses Transfer-Encoding %j", (value) => {
    expect(codeOf(response([["Transfer-Encoding", value]]))).toBe("unsupported-transfer-encoding");
  });

  it("refuses Transfer-Encoding split over two fields", () => {
    expect(codeOf(response([["Transfer-Encoding", "chunked"], ["Transfer-Encoding", "chunked"]]))).toBe("unsupported-transfer-encoding");
  });

  it("refuses Transfer-Encoding in an HTTP/1.0 response", () => {
    expect(codeOf(response([["Transfer-Encoding", "chunked"]], 200, "1.0"))).toBe("unsupported-transfer-encoding");
  });
});
