import { encodeFrame, type Frame, FrameDecoder, OPCODE, WebSocketProtocolError } from "../../core/websocket/frame-codec.ts";
import { isSendableCloseCode, MessageAssembler } from "../../core/websocket/message-assembler.ts";
import { readAfterHead } from "./socket-response-reader.ts";

/**
 * The largest backend message the edge buffers: beyond it the WebSocket closes with 1009, so that one connection
 * cannot take much of an isolate's 128 MB (Workers bound the messages clients send them too).
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** After a close frame is sent, how long the backend has to answer with its own before the connection is dropped. */
const CLOSE_GRACE_MS = 5_000;

export interface BridgeInput {
  readonly socket: Socket;
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Bytes read past the 101's head: the backend's first frames. */
  readonly rest: Uint8Array;
  /** Settles once the handshake request is written; the socket's writer is free from then on. */
  readonly headWritten: Promise<unknown>;
  readonly close: () => void;
}

const encoder = new TextEncoder();

/**
 * Relays messages between the client's WebSocket (the edge's half of a WebSocketPair) and a backend that
 * answered the handshake over a raw socket: the edge is a WebSocket client of the backend, masking what it sends
 * and checking what it reads, and a server to the client. Pings are answered, closes passed on with their code
 * and reason; a protocol error from the backend closes both sides. Returns the half to hand the client.
 */
export function bridgeWebSocket(input: BridgeInput): WebSocket {
  const pair = new WebSocketPair();
  const client = pair[0];
  const edge = pair[1];
  // Relayed as bytes: from the 2026 compatibility dates on, the standard default hands binary messages over as Blobs.
  edge.binaryType = "arraybuffer";
  edge.accept();
  let closeSent = false;
  let closeReceived = false;
  let finished = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;

  const finish = (): void => {
    if (finished) return;
    finished = true;
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    input.close();
  };
  // Frames go out in the order they are written: one writer, writes queued by the stream itself.
  const writes = input.headWritten.then(() => input.socket.writable.getWriter());
  const sendFrame = (frame: Frame): Promise<void> =>
    writes
      .then((open) => open.write(encodeFrame(frame, crypto.getRandomValues(new Uint8Array(4)))))
      .catch(() => {
        closeClient(1011, "the backend connection failed");
        finish();
      });
  /** The closing handshake: the connection ends once both close frames have crossed, or after a grace period. */
  const sendClose = (code: number | undefined, reason: string): void => {
    if (closeSent) return;
    closeSent = true;
    const sent = sendFrame({ fin: true, opcode: OPCODE.close, payload: closePayload(code, reason) });
    if (closeReceived) void sent.finally(finish);
    else graceTimer = setTimeout(finish, CLOSE_GRACE_MS);
  };
  const closeClient = (code: number | undefined, reason: string): void => {
    try {
      if (code === undefined || !isSendableCloseCode(code)) edge.close();
      else edge.close(code, truncateReason(reason));
    } catch {
      // Already closed by the client.
    }
  };

  edge.addEventListener("message", (event: MessageEvent) => {
    const data: unknown = event.data;
    const payload = typeof data === "string" ? encoder.encode(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
    // After a close frame nothing more may follow it on the wire (RFC 6455 §5.5.1).
    if (payload === null || closeSent) return;
    void sendFrame({ fin: true, opcode: typeof data === "string" ? OPCODE.text : OPCODE.binary, payload });
  });
  edge.addEventListener("close", (event: CloseEvent) => sendClose(isSendableCloseCode(event.code) ? event.code : undefined, event.reason));
  edge.addEventListener("error", () => sendClose(1011, "the client connection failed"));

  void (async () => {
    const decoder = new FrameDecoder(MAX_MESSAGE_BYTES);
    const assembler = new MessageAssembler(MAX_MESSAGE_BYTES);
    const next = readAfterHead(input.reader, input.rest);
    try {
      for (let bytes = await next(); bytes !== null; bytes = await next()) {
        for (const frame of decoder.push(bytes)) {
          const event = assembler.accept(frame);
          if (event === null) continue;
          if (event.kind === "message") {
            edge.send(event.data);
          } else if (event.kind === "ping") {
            if (!closeSent) void sendFrame({ fin: true, opcode: OPCODE.pong, payload: event.payload });
          } else if (event.kind === "close") {
            closeReceived = true;
            closeClient(event.code, event.reason);
            if (closeSent) finish();
            else sendClose(event.code, "");
            return;
          }
        }
      }
      closeClient(1011, "the backend ended the connection without closing the WebSocket");
      finish();
    } catch (error) {
      if (error instanceof WebSocketProtocolError) {
        sendClose(error.closeCode, "");
        if (error.closeCode === 1009) closeClient(1009, "a message from the backend was too large");
        else closeClient(1011, "the backend broke the WebSocket protocol");
      } else {
        closeClient(1011, "the backend connection failed");
        finish();
      }
    }
  })();
  return client;
}

function closePayload(code: number | undefined, reason: string): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  const text = encoder.encode(truncateReason(reason));
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

/** A close frame carries at most 125 bytes: a 2-byte code and up to 123 bytes of reason. */
function truncateReason(reason: string): string {
  let cut = reason;
  while (encoder.encode(cut).length > 123) cut = cut.slice(0, -1);
  return cut;
}
