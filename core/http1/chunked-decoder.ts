import { parseFieldLine, preview } from "./field-syntax.ts";
import { Http1Error } from "./http1-error.ts";
import { decodeLatin1 } from "./latin1.ts";
import type { BodyDecoder } from "./body-decoder.ts";

const CR = 13;
const LF = 10;
/** A chunk-size line, extensions included; real ones are a few bytes. */
const MAX_LINE_BYTES = 4096;
/** All trailer lines together. */
const MAX_TRAILER_BYTES = 16 * 1024;

/**
 * RFC 9112 §7.1 chunk-size and chunk-ext: hex digits, then `;name[=token|quoted-string]` with optional whitespace
 * around `;` and `=` (BWS). Anything else — a sign, "0x", whitespace after the size, a bare token — is refused.
 */
const CHUNK_LINE =
  /^([0-9A-Fa-f]{1,16})((?:[\t ]*;[\t ]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[\t ]*=[\t ]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*"))?)*)$/;

type State = "size" | "data" | "data-crlf" | "trailer" | "done";

/**
 * Decodes `Transfer-Encoding: chunked` incrementally and strictly: CRLF after every line and after every chunk's
 * data, bounded line lengths, sizes that stay safe integers, trailer fields with valid syntax (then dropped: a
 * Worker's Response cannot carry trailers). Yields views of the input, never copies.
 */
export class ChunkedDecoder implements BodyDecoder {
  private state: State = "size";
  private line: number[] = [];
  private remaining = 0;
  private trailerBytes = 0;
  private crlfSeen = 0;

  get done(): boolean {
    return this.state === "done";
  }

  push(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < bytes.length && this.state !== "done") {
      switch (this.state) {
        case "data": {
          const take = Math.min(this.remaining, bytes.length - i);
          out.push(bytes.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = "data-crlf";
          break;
        }
        case "data-crlf": {
          const expected = this.crlfSeen === 0 ? CR : LF;
          if (bytes[i] !== expected) throw new Http1Error("bad-chunk", "chunk data is not followed by CRLF (chunk size and data disagree)");
          i++;
          this.crlfSeen++;
          if (this.crlfSeen === 2) {
            this.crlfSeen = 0;
            this.state = "size";
          }
          break;
        }
        case "size":
        case "trailer": {
          const end = this.readLine(bytes, i);
          i = end.next;
          if (end.line === null) break;
          if (this.state === "size") this.acceptSizeLine(end.line);
          else this.acceptTrailerLine(end.line);
          break;
        }
      }
    }
    return out;
  }

  finish(): void {
    if (this.state !== "done") throw new Http1Error("body-truncated", "connection closed before the last chunk");
  }

  /** Gathers one CRLF-terminated line across pushes; `line` is null until it is complete. */
  private readLine(bytes: Uint8Array, from: number): { line: string | null; next: number } {
    let i = from;
    for (; i < bytes.length; i++) {
      const byte = bytes[i] ?? 0;
      const last = this.line[this.line.length - 1];
      if (byte === LF) {
        if (last !== CR) throw new Http1Error("bad-line-ending", "bare LF in chunked framing");
        this.line.pop();
        const line = decodeLatin1(Uint8Array.from(this.line));
        this.line = [];
        return { line, next: i + 1 };
      }
      if (last === CR) throw new Http1Error("bad-line-ending", "bare CR in chunked framing");
      this.line.push(byte);
      const limit = this.state === "size" ? MAX_LINE_BYTES : MAX_TRAILER_BYTES - this.trailerBytes;
      if (this.line.length > limit) throw new Http1Error("bad-chunk", this.state === "size" ? "chunk-size line too long" : "trailer section too large");
    }
    return { line: null, next: i };
  }

  private acceptSizeLine(line: string): void {
    const match = CHUNK_LINE.exec(line);
    const size = match === null ? NaN : parseInt(match[1] ?? "", 16);
    if (!Number.isSafeInteger(size)) throw new Http1Error("bad-chunk", `invalid chunk-size line ${JSON.stringify(preview(line))}`);
    if (size === 0) {
      this.state = "trailer";
    } else {
      this.remaining = size;
      this.state = "data";
    }
  }

  private acceptTrailerLine(line: string): void {
    if (line === "") {
      this.state = "done";
      return;
    }
    this.trailerBytes += line.length + 2;
    parseFieldLine(line);
  }
}
