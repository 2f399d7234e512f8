import { createBodyDecoder, type BodyDecoder } from "../../core/http1/body-decoder.ts";
import { HeadScanner } from "../../core/http1/head-scanner.ts";
import { Http1Error } from "../../core/http1/http1-error.ts";
import { parseResponseHead, type ResponseHead } from "../../core/http1/parse-response-head.ts";
import { decideResponseFraming } from "../../core/http1/response-framing.ts";

/** 1xx responses (100 Continue, 103 Early Hints) skipped before the final one; more is a misbehaving peer. */
const MAX_INTERIM_RESPONSES = 8;
/** Statuses whose Response may not have a body in the Fetch API. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

export class HeadTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response head within ${timeoutMs} ms`);
    this.name = "HeadTimeout";
  }
}

export interface ReadResponseOptions {
  readonly method: string;
  readonly maxHeadBytes: number;
  /** Until the final response head has arrived. */
  readonly timeoutMs: number;
  /** Called once, when the response is over or abandoned: the connection carries one request only. */
  readonly close: () => void;
  /** True when the request offered an upgrade: a 101 is then the answer, not an error. */
  readonly upgradeOffered?: boolean;
}

/** A final answer: a response to pass on, or a 101 whose connection now speaks another protocol (`rest` already read). */
export type Answer = { readonly kind: "response"; readonly response: Response } | { readonly kind: "switched"; readonly head: ResponseHead; readonly rest: Uint8Array };

type Reader = ReadableStreamDefaultReader<Uint8Array>;

/**
 * Reads the final response head within the timeout, then hands back a Response whose body streams the rest of
 * the connection through the decoder its framing calls for — or, when an upgrade was offered, a 101 with the
 * bytes read past its head. Throws {@link Http1Error} for a malformed head (and for a 101 nobody asked for) and
 * {@link HeadTimeout}; a body that breaks its framing later errors the body stream with an {@link Http1Error}.
 */
export async function readAnswer(reader: Reader, options: ReadResponseOptions): Promise<Answer> {
  const { head, rest } = await readFinalHead(reader, options);
  if (head.status === 101) return { kind: "switched", head, rest };
  const framing = decideResponseFraming(head, options.method);
  const decoder = createBodyDecoder(framing);
  const headers = new Headers();
  for (const [name, value] of head.fields) {
    // The body is handed on decoded; its framing is this connection's business only.
    if (name.toLowerCase() !== "transfer-encoding") headers.append(name, value);
  }
  const noBody = NULL_BODY_STATUSES.has(head.status) || decoder.done;
  if (noBody) options.close();
  return { kind: "response", response: new Response(noBody ? null : streamBody(reader, decoder, rest, options.close), { status: head.status, statusText: head.reason, headers }) };
}

async function readFinalHead(reader: Reader, options: ReadResponseOptions): Promise<{ head: ResponseHead; rest: Uint8Array }> {
  const scanner = new HeadScanner(options.maxHeadBytes);
  let buffer: Uint8Array = new Uint8Array(0);
  let interim = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
  });
  try {
    for (;;) {
      const end = scanner.scan(buffer);
      if (end === -1) {
        const read = await Promise.race([reader.read(), timeout]);
        if (read === "timeout") throw new HeadTimeout(options.timeoutMs);
        if (read.done) {
          throw new Http1Error("bad-status-line", buffer.length === 0 ? "the target closed the connection without answering" : "the target closed the connection in the middle of the response head");
        }
        buffer = concat(buffer, toBytes(read.value));
        continue;
      }
      const head = parseResponseHead(buffer.subarray(0, end));
      buffer = buffer.subarray(end);
      if (head.status >= 200) return { head, rest: buffer };
      if (head.status === 101) {
        // Never asked for, a 101 would turn the connection into anything.
        if (options.upgradeOffered !== true) throw new Http1Error("unexpected-status", "101 Switching Protocols without an upgrade request");
        return { head, rest: buffer };
      }
      decideResponseFraming(head, options.method);
      if (++interim > MAX_INTERIM_RESPONSES) throw new Http1Error("unexpected-status", `more than ${MAX_INTERIM_RESPONSES} interim (1xx) responses`);
      scanner.reset();
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * The bytes a connection carries after a head: first those read past it with the head, then the socket's own
 * reads; null once the peer has closed.
 */
export function readAfterHead(reader: Reader, rest: Uint8Array): () => Promise<Uint8Array | null> {
  let pending: Uint8Array | null = rest.length > 0 ? rest : null;
  return async () => {
    if (pending !== null) {
      const bytes = pending;
      pending = null;
      return bytes;
    }
    const read = await reader.read();
    return read.done ? null : toBytes(read.value);
  };
}

function streamBody(reader: Reader, decoder: BodyDecoder, rest: Uint8Array, close: () => void): ReadableStream<Uint8Array> {
  const next = readAfterHead(reader, rest);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Pull until some body bytes were handed on, or the body ended: an empty pull would stall the consumer.
        for (;;) {
          const bytes = await next();
          if (bytes === null) {
            decoder.finish();
            controller.close();
            close();
            return;
          }
          const parts = decoder.push(bytes).filter((part) => part.length > 0);
          for (const part of parts) controller.enqueue(part);
          if (decoder.done) {
            controller.close();
            close();
            return;
          }
          if (parts.length > 0) return;
        }
      } catch (error) {
        close();
        controller.error(error);
      }
    },
    cancel() {
      close();
    },
  });
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError("socket yielded a chunk that is not bytes");
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
