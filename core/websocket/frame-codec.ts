/**
 * WebSocket frames (RFC 6455 §5) as a client writes and reads them: frames to the server masked, frames from
 * it unmasked; no extension negotiated, so no RSV bit may be set. Runtime-neutral: bytes in, bytes out; the
 * masking key is the caller's (randomness stays in the shell).
 */

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Uint8Array;
}

export class WebSocketProtocolError extends Error {
  /** The close code to answer with: 1002 (protocol error), 1007 (text not UTF-8) or 1009 (message too big). */
  readonly closeCode: 1002 | 1007 | 1009;
  constructor(closeCode: 1002 | 1007 | 1009, message: string) {
    super(message);
    this.name = "WebSocketProtocolError";
    this.closeCode = closeCode;
  }
}

const MAX_CONTROL_PAYLOAD = 125;

export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** One frame, masked with `mask` (4 bytes) when given — a client must mask every frame it sends. */
export function encodeFrame(frame: Frame, mask: Uint8Array | null): Uint8Array {
  const length = frame.payload.length;
  if (isControlOpcode(frame.opcode) && (length > MAX_CONTROL_PAYLOAD || !frame.fin)) {
    throw new RangeError("a control frame carries at most 125 bytes and is never fragmented");
  }
  if (mask !== null && mask.length !== 4) throw new RangeError("a masking key is 4 bytes");
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const headLength = 2 + lengthBytes + (mask === null ? 0 : 4);
  const bytes = new Uint8Array(headLength + length);
  bytes[0] = (frame.fin ? 0x80 : 0) | (frame.opcode & 0x0f);
  const maskBit = mask === null ? 0 : 0x80;
  if (lengthBytes === 0) {
    bytes[1] = maskBit | length;
  } else if (lengthBytes === 2) {
    bytes[1] = maskBit | 126;
    bytes[2] = length >>> 8;
    bytes[3] = length & 0xff;
  } else {
    bytes[1] = maskBit | 127;
    new DataView(bytes.buffer).setBigUint64(2, BigInt(length));
  }
  if (mask === null) {
    bytes.set(frame.payload, headLength);
  } else {
    bytes.set(mask, headLength - 4);
    for (let i = 0; i < length; i++) bytes[headLength + i] = (frame.payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  }
  return bytes;
}

/**
 * Frames from a server, from bytes as they arrive (any split). Throws {@link WebSocketProtocolError} for what
 * RFC 6455 makes a client fail the connection over — a masked frame, an RSV bit, a reserved opcode, a control
 * frame fragmented or over 125 bytes — and for a frame over `maxPayloadBytes`. Bytes are kept as they came and
 * joined once per frame: a large frame arriving in many reads is copied once, not once per read.
 */
export class FrameDecoder {
  readonly #maxPayloadBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(maxPayloadBytes: number) {
    this.#maxPayloadBytes = maxPayloadBytes;
  }

  push(bytes: Uint8Array): Frame[] {
    if (bytes.length > 0) {
      this.#chunks.push(bytes);
      this.#buffered += bytes.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      const head = this.#readHead();
      if (head === null || this.#buffered < head.offset + head.length) return frames;
      const frame = this.#take(head.offset + head.length);
      frames.push({ fin: head.fin, opcode: head.opcode, payload: frame.subarray(head.offset) });
    }
  }

  #readHead(): { fin: boolean; opcode: number; offset: number; length: number } | null {
    // At most 10 bytes of head matter: 2, then a 2- or 8-byte length (a server sends no masking key).
    const head = this.#peek(Math.min(this.#buffered, 10));
    const first = head[0];
    const second = head[1];
    if (first === undefined || second === undefined) return null;
    if ((first & 0x70) !== 0) throw new WebSocketProtocolError(1002, "a frame has an RSV bit set, but no extension was agreed");
    const opcode = first & 0x0f;
    const fin = (first & 0x80) !== 0;
    if ((opcode > 0x2 && opcode < 0x8) || opcode > 0xa) throw new WebSocketProtocolError(1002, `reserved opcode ${opcode}`);
    if ((second & 0x80) !== 0) throw new WebSocketProtocolError(1002, "a server sent a masked frame");
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (head.length < 4) return null;
      length = ((head[2] ?? 0) << 8) | (head[3] ?? 0);
      offset = 4;
    } else if (length === 127) {
      if (head.length < 10) return null;
      const wide = new DataView(head.buffer, head.byteOffset + 2, 8).getBigUint64(0);
      if (wide > BigInt(Number.MAX_SAFE_INTEGER)) throw new WebSocketProtocolError(1009, "a frame longer than any buffer");
      length = Number(wide);
      offset = 10;
    }
    if (isControlOpcode(opcode) && (!fin || length > MAX_CONTROL_PAYLOAD)) {
      throw new WebSocketProtocolError(1002, "a control frame is fragmented or longer than 125 bytes");
    }
    if (length > this.#maxPayloadBytes) throw new WebSocketProtocolError(1009, `a frame of ${length} bytes, over the limit of ${this.#maxPayloadBytes}`);
    return { fin, opcode, offset, length };
  }

  /** The first `count` buffered bytes, without consuming them. */
  #peek(count: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= count) return first.subarray(0, count);
    return this.#join(count, false);
  }

  /** The first `count` buffered bytes in an array of their own (the payload outlives the chunks), consumed. */
  #take(count: number): Uint8Array {
    const taken = this.#join(count, true);
    this.#buffered -= count;
    return taken;
  }

  #join(count: number, consume: boolean): Uint8Array {
    const joined = new Uint8Array(count);
    let filled = 0;
    let whole = 0;
    let remainder: Uint8Array | null = null;
    for (const chunk of this.#chunks) {
      if (filled === count) break;
      const used = Math.min(chunk.length, count - filled);
      joined.set(used === chunk.length ? chunk : chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) {
        whole++;
      } else {
        remainder = chunk.subarray(used);
        break;
      }
    }
    if (consume) {
      this.#chunks.splice(0, whole);
      if (remainder !== null) this.#chunks[0] = remainder;
    }
    return joined;
  }
}
