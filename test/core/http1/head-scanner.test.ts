import { describe, expect, it } from "vitest";
import { HeadScanner } from "../../../core/http1/head-scanner.ts";

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("HeadScanner", () => {
  it("finds the end of a head just past the empty line", () => {
    const head = "HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody";
    expect(new HeadScanner(1024).scan(bytes(head))).toBe(head.indexOf("body"));
  });

  it("finds the same end whatever the head was split into", () => {
    const head = "HTTP/1.1 200 OK\r\nA: b\r\nC: d\r\n\r\nrest";
    for (let cut = 0; cut <= head.length; cut++) {
      const scanner = new HeadScanner(1024);
      const first = scanner.scan(bytes(head.slice(0, cut)));
      const end = first !== -1 ? first : scanner.scan(bytes(head));
      expect(end, `cut at ${cut}`).toBe(head.indexOf("rest"));
    }
  });

  it("asks for more bytes while the empty line has not arrived", () => {
    expect(new HeadScanner(1024).scan(bytes("HTTP/1.1 200 OK\r\nA: b\r\n"))).toBe(-1);
    expect(new HeadScanner(1024).scan(bytes("HTTP/1.1 200 OK\r\nA: b\r\n\r"))).toBe(-1);
  });

  it("refuses a bare LF anywhere in the head", () => {
    expect(() => new HeadScanner(1024).scan(bytes("HTTP/1.1 200 OK\nA: b\r\n\r\n"))).toThrow(expect.objectContaining({ code: "bad-line-ending" }));
    expect(() => new HeadScanner(1024).scan(bytes("HTTP/1.1 200 OK\r\nA: b\n\n"))).toThrow(expect.objectContaining({ code: "bad-line-ending" }));
  });

  it("refuses a bare CR", () => {
    expect(() => new HeadScanner(1024).scan(bytes("HTTP/1.1 200 OK\rA: b\r\n\r\n"))).toThrow(expect.objectContaining({ code: "bad-line-ending" }));
  });

  it("refuses a head longer than the limit, even before it ends", () => {
    const scanner = new HeadScanner(64);
    expect(() => scanner.scan(bytes(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(100)}`))).toThrow(expect.objectContaining({ code: "head-too-large" }));
  });

  it("accepts a head of exactly the limit", () => {
    const head = "HTTP/1.1 200 OK\r\n\r\n";
    expect(new HeadScanner(head.length).scan(bytes(head))).toBe(head.length);
  });

  it("scans the next head from the start after a reset", () => {
    const scanner = new HeadScanner(1024);
    expect(scanner.scan(bytes("HTTP/1.1 100 Continue\r\n\r\n"))).toBe(25);
    scanner.reset();
    expect(scanner.scan(bytes("HTTP/1.1 200 OK\r\n\r\n"))).toBe(19);
  });
});
