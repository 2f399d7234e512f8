import { describe, expect, it } from "vitest";
import { OPCODE, WebSocketProtocolError } from "../../../core/websocket/frame-codec.ts";
import { isSendableCloseCode, MessageAssembler } from "../../../core/websocket/message-assembler.ts";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const frame = (opcode: number, payload: Uint8Array, fin = true) => ({ fin, opcode, payload });

function closeCodeOf(accept: () => unknown): number {
  try {
    accept();
  } catch (error) {
    if (error instanceof WebSocketProtocolError) return error.closeCode;
    throw error;
  }
  throw new Error("expected a WebSocketProtocolError");
}

describe("MessageAssembler", () => {
  it("passes whole text and binary messages on", () => {
    const assembler = new MessageAssembler(1024);
    expect(assembler.accept(frame(OPCODE.text, text("héllo")))).toEqual({ kind: "message", data: "héllo" });
    expect(assembler.accept(frame(OPCODE.binary, Uint8Array.of(1, 2)))).toEqual({ kind: "message", data: Uint8Array.of(1, 2) });
  });

  it("joins fragments, with control frames passed on in between", () => {
    const assembler = new MessageAssembler(1024);
    expect(assembler.accept(frame(OPCODE.text, text("hel"), false))).toBeNull();
    expect(assembler.accept(frame(OPCODE.ping, text("p")))).toEqual({ kind: "ping", payload: text("p") });
    expect(assembler.accept(frame(OPCODE.continuation, text("l"), false))).toBeNull();
    expect(assembler.accept(frame(OPCODE.continuation, text("o")))).toEqual({ kind: "message", data: "hello" });
  });

  it("joins a character split across fragments before decoding it", () => {
    const euro = text("€");
    const assembler = new MessageAssembler(1024);
    expect(assembler.accept(frame(OPCODE.text, euro.subarray(0, 1), false))).toBeNull();
    expect(assembler.accept(frame(OPCODE.continuation, euro.subarray(1)))).toEqual({ kind: "message", data: "€" });
  });

  it("reads a close frame's code and reason, or none", () => {
    const payload = Uint8Array.of(0x03, 0xe8, ...text("bye"));
    expect(new MessageAssembler(1024).accept(frame(OPCODE.close, payload))).toEqual({ kind: "close", code: 1000, reason: "bye" });
    expect(new MessageAssembler(1024).accept(frame(OPCODE.close, new Uint8Array(0)))).toEqual({ kind: "close", reason: "" });
  });

  it("fails what RFC 6455 forbids: a stray continuation, an interleaved message, bad close payloads, text not UTF-8", () => {
    expect(closeCodeOf(() => new MessageAssembler(1024).accept(frame(OPCODE.continuation, text("x"))))).toBe(1002);
    const interleaved = new MessageAssembler(1024);
    interleaved.accept(frame(OPCODE.text, text("a"), false));
    expect(closeCodeOf(() => interleaved.accept(frame(OPCODE.binary, text("b"))))).toBe(1002);
    expect(closeCodeOf(() => new MessageAssembler(1024).accept(frame(OPCODE.close, Uint8Array.of(3))))).toBe(1002);
    expect(closeCodeOf(() => new MessageAssembler(1024).accept(frame(OPCODE.close, Uint8Array.of(0x03, 0xed))))).toBe(1002);
    expect(closeCodeOf(() => new MessageAssembler(1024).accept(frame(OPCODE.text, Uint8Array.of(0xc3, 0x28))))).toBe(1007);
  });

  it("fails a message over its limit, counted across fragments, with 1009", () => {
    const assembler = new MessageAssembler(4);
    assembler.accept(frame(OPCODE.binary, new Uint8Array(3), false));
    expect(closeCodeOf(() => assembler.accept(frame(OPCODE.continuation, new Uint8Array(2))))).toBe(1009);
  });
});

describe("isSendableCloseCode", () => {
  it("allows what a peer may send, not the codes reserved for reports", () => {
    expect([1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999].every(isSendableCloseCode)).toBe(true);
    expect([999, 1004, 1005, 1006, 1015, 2000, 5000].some(isSendableCloseCode)).toBe(false);
  });
});
