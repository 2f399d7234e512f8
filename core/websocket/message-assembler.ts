import { type Frame, OPCODE, WebSocketProtocolError } from "./frame-codec.ts";

export type WebSocketEvent =
  | { readonly kind: "message"; readonly data: string | Uint8Array }
  | { readonly kind: "ping"; readonly payload: Uint8Array }
  | { readonly kind: "pong" }
  /** `code` is absent when the close frame carried none (what the RFC reports as 1005). */
  | { readonly kind: "close"; readonly code?: number; readonly reason: string };

// ignoreBOM: a message that starts with U+FEFF is passed on as sent, not stripped.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Frames into messages (RFC 6455 §5.4–5.6): fragments joined, control frames passed on in between, text checked
 * to be UTF-8, close payloads read. Throws {@link WebSocketProtocolError} for a sequence the RFC forbids and for
 * a message over `maxMessageBytes`.
 */
export class MessageAssembler {
  readonly #maxMessageBytes: number;
  #fragments: Uint8Array[] = [];
  #fragmentedOpcode: number | null = null;
  #fragmentedBytes = 0;

  constructor(maxMessageBytes: number) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  accept(frame: Frame): WebSocketEvent | null {
    switch (frame.opcode) {
      case OPCODE.ping:
        return { kind: "ping", payload: frame.payload };
      case OPCODE.pong:
        return { kind: "pong" };
      case OPCODE.close:
        return readClose(frame.payload);
      case OPCODE.continuation:
        if (this.#fragmentedOpcode === null) throw new WebSocketProtocolError(1002, "a continuation frame with no message to continue");
        return this.#add(this.#fragmentedOpcode, frame);
      default:
        if (this.#fragmentedOpcode !== null) throw new WebSocketProtocolError(1002, "a new message began before the last one ended");
        return this.#add(frame.opcode, frame);
    }
  }

  #add(opcode: number, frame: Frame): WebSocketEvent | null {
    this.#fragmentedBytes += frame.payload.length;
    if (this.#fragmentedBytes > this.#maxMessageBytes) {
      throw new WebSocketProtocolError(1009, `a message over the limit of ${this.#maxMessageBytes} bytes`);
    }
    if (!frame.fin) {
      this.#fragmentedOpcode = opcode;
      this.#fragments.push(frame.payload);
      return null;
    }
    const payload = this.#fragments.length === 0 ? frame.payload : join([...this.#fragments, frame.payload], this.#fragmentedBytes);
    this.#fragments = [];
    this.#fragmentedOpcode = null;
    this.#fragmentedBytes = 0;
    return { kind: "message", data: opcode === OPCODE.text ? decodeText(payload) : payload };
  }
}

/** A close code a peer may send (RFC 6455 §7.4): 1000–1003, 1007–1014, or 3000–4999 (registered and private). */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

function readClose(payload: Uint8Array): WebSocketEvent {
  if (payload.length === 0) return { kind: "close", reason: "" };
  if (payload.length === 1) throw new WebSocketProtocolError(1002, "a close frame with a one-byte body");
  const code = ((payload[0] ?? 0) << 8) | (payload[1] ?? 0);
  if (!isSendableCloseCode(code)) throw new WebSocketProtocolError(1002, `close code ${code} may not be sent`);
  return { kind: "close", code, reason: decodeText(payload.subarray(2)) };
}

function decodeText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new WebSocketProtocolError(1007, "text that is not UTF-8");
  }
}

function join(parts: readonly Uint8Array[], total: number): Uint8Array {
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
