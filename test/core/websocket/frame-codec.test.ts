import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder, OPCODE, WebSocketProtocolError } from "../../../core/websocket/frame-codec.ts";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const base64 = (value: Uint8Array): string => Buffer.from(value).toString("base64");

/** What a server would put on the wire for a frame: the same encoding, unmasked. */
const serverFrame = (opcode: number, payload: Uint8Array, fin = true): Uint8Array => encodeFrame({ fin, opcode, payload }, null);

function protocolErrorOf(push: () => unknown): WebSocketProtocolError {
  try {
    push();
  } catch (error) {
    if (error instanceof WebSocketProtocolError) return error;
    throw error;
  }
  throw new Error("expected a WebSocketProtocolError");
}

describe("encodeFrame", () => {
  it("writes RFC 6455's example: a masked single-frame text 'Hello'", () => {
    const frame = encodeFrame({ fin: true, opcode: OPCODE.text, payload: text("Hello") }, bytes(0x37, 0xfa, 0x21, 0x3d));
    expect([...frame]).toEqual([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  });

  it("uses the 16-bit length from 126 bytes and the 64-bit length past 65535", () => {
    expect([...encodeFrame({ fin: true, opcode: OPCODE.binary, payload: new Uint8Array(126) }, null).subarray(0, 4)]).toEqual([0x82, 126, 0, 126]);
    expect([...encodeFrame({ fin: true, opcode: OPCODE.binary, payload: new Uint8Array(65536) }, null).subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it("refuses a control frame over 125 bytes or fragmented", () => {
    expect(() => encodeFrame({ fin: true, opcode: OPCODE.ping, payload: new Uint8Array(126) }, null)).toThrow(RangeError);
    expect(() => encodeFrame({ fin: false, opcode: OPCODE.close, payload: new Uint8Array(0) }, null)).toThrow(RangeError);
  });
});

describe("FrameDecoder", () => {
  it("reads frames of every length encoding however the bytes are split, headers cut across reads too", () => {
    // fast-check's default size keeps arrays to about ten bytes whatever maxLength says: lengths are drawn per
    // encoding instead (7-bit, 16-bit from 126, 64-bit past 65535). Reads cycle through a few small sizes and a
    // large one, so that a 2-, 4- or 10-byte header is cut across reads as well as frames joined in one read.
    const length = fc.oneof(fc.integer({ min: 0, max: 125 }), fc.integer({ min: 126, max: 65_535 }), fc.integer({ min: 65_536, max: 70_000 }));
    const payload = fc.tuple(length, fc.integer({ min: 0, max: 255 })).map(([size, seed]) => Uint8Array.from({ length: size }, (_, i) => (seed + i * 7) % 256));
    const readSizes = fc
      .tuple(fc.array(fc.integer({ min: 1, max: 11 }), { maxLength: 4 }), fc.integer({ min: 12, max: 80_000 }))
      .map(([small, large]) => [...small, large]);
    const reached = { short: 0, medium: 0, long: 0, headerCut: 0 };
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 4 }), readSizes, (payloads, sizes) => {
        const wire = payloads.map((body) => serverFrame(OPCODE.binary, body));
        const all = new Uint8Array(wire.reduce((sum, frame) => sum + frame.length, 0));
        const headers: [number, number][] = [];
        let offset = 0;
        for (const [i, frame] of wire.entries()) {
          all.set(frame, offset);
          headers.push([offset, offset + frame.length - (payloads[i]?.length ?? 0)]);
          offset += frame.length;
        }
        const decoder = new FrameDecoder(1 << 20);
        const frames = [];
        for (let at = 0, read = 0; at < all.length; read += 1) {
          const end = at + (sizes[read % sizes.length] ?? 1);
          if (headers.some(([from, to]) => from < end && end < to)) reached.headerCut += 1;
          frames.push(...decoder.push(all.slice(at, end)));
          at = end;
        }
        for (const body of payloads) reached[body.length < 126 ? "short" : body.length < 65_536 ? "medium" : "long"] += 1;
        // Compared as base64: vitest's deep equality walks a 70 kB array element by element, seconds per run.
        expect(frames.map((frame) => base64(frame.payload))).toEqual(payloads.map(base64));
      }),
      { numRuns: 60, seed: 20_261_202 },
    );
    expect(Object.values(reached).every((count) => count > 0), JSON.stringify(reached)).toBe(true);
  });

  it("puts a large frame that arrives in many reads back together, with the next frame's start kept", () => {
    const payload = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
    const wire = [...serverFrame(OPCODE.binary, payload), ...serverFrame(OPCODE.text, text("next"))];
    const decoder = new FrameDecoder(1 << 20);
    const frames = [];
    for (let at = 0; at < wire.length; at += 1000) frames.push(...decoder.push(Uint8Array.from(wire.slice(at, at + 1000))));
    expect(frames.map((frame) => base64(frame.payload))).toEqual([base64(payload), base64(text("next"))]);
  });

  it("waits for the rest of a frame, and keeps fin and opcode", () => {
    const decoder = new FrameDecoder(1024);
    const wire = serverFrame(OPCODE.text, text("hello"), false);
    expect(decoder.push(wire.subarray(0, 3))).toEqual([]);
    expect(decoder.push(wire.subarray(3))).toEqual([{ fin: false, opcode: OPCODE.text, payload: text("hello") }]);
  });

  it("fails a masked frame from a server, an RSV bit, a reserved opcode", () => {
    const masked = encodeFrame({ fin: true, opcode: OPCODE.text, payload: text("x") }, bytes(1, 2, 3, 4));
    expect(protocolErrorOf(() => new FrameDecoder(1024).push(masked)).closeCode).toBe(1002);
    expect(protocolErrorOf(() => new FrameDecoder(1024).push(bytes(0xc1, 0))).message).toMatch(/RSV/);
    expect(protocolErrorOf(() => new FrameDecoder(1024).push(bytes(0x83, 0))).message).toMatch(/reserved opcode 3/);
  });

  it("fails a control frame that is fragmented or over 125 bytes", () => {
    expect(protocolErrorOf(() => new FrameDecoder(1024).push(bytes(0x09, 0))).closeCode).toBe(1002);
    expect(protocolErrorOf(() => new FrameDecoder(1024).push(bytes(0x89, 126, 0, 126))).closeCode).toBe(1002);
  });

  it("fails a frame over its limit with 1009 as soon as its length is read", () => {
    const error = protocolErrorOf(() => new FrameDecoder(100).push(bytes(0x82, 126, 0x01, 0x00)));
    expect(error.closeCode).toBe(1009);
  });
});
