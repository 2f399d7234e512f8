import { Http1Error } from "./http1-error.ts";

const CR = 13;
const LF = 10;

/**
 * Finds where a message head ends (the empty line) in a buffer that grows as bytes arrive, resuming where it
 * stopped so a head trickling in byte by byte costs linear time. Every line must end in CRLF: a bare LF or CR is
 * refused, because a peer that splits lines differently from us can hide one message inside another.
 */
export class HeadScanner {
  private position = 0;
  private lineStart = 0;

  constructor(private readonly maxBytes: number) {}

  /** The offset just past the head's final CRLF, or -1 when more bytes are needed. */
  scan(bytes: Uint8Array): number {
    while (this.position < bytes.length && this.position < this.maxBytes) {
      const byte = bytes[this.position];
      if (byte === LF) throw new Http1Error("bad-line-ending", "bare LF in a message head (lines must end in CRLF)");
      if (byte !== CR) {
        this.position++;
        continue;
      }
      if (this.position + 1 >= bytes.length) return -1;
      if (bytes[this.position + 1] !== LF) throw new Http1Error("bad-line-ending", "bare CR in a message head");
      const emptyLine = this.position === this.lineStart;
      this.position += 2;
      this.lineStart = this.position;
      if (emptyLine) return this.position;
    }
    if (this.position >= this.maxBytes) throw new Http1Error("head-too-large", `message head larger than ${this.maxBytes} bytes`);
    return -1;
  }

  /** Starts over for the next head, in a buffer that now begins where that head begins. */
  reset(): void {
    this.position = 0;
    this.lineStart = 0;
  }
}
