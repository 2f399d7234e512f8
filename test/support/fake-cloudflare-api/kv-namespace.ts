import { ApiFailure, failure } from "./envelope.ts";

export interface KvEntry {
  readonly value: Buffer;
  readonly metadata: unknown;
  readonly writtenAt: number;
}

const MAX_PAIRS = 10_000;
const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024;

/**
 * A Workers KV namespace as the REST API sees it: bulk writes of up to 10,000 pairs with the documented size
 * limits, and KV's one write per second per key (a second write within `writeIntervalMs` is a 429).
 */
export class KvNamespace {
  private readonly entries = new Map<string, KvEntry>();
  /** Every bulk write accepted, in order: the keys it wrote. */
  readonly writes: string[][] = [];
  /** Every bulk delete, in order: the keys it named. */
  readonly deletes: string[][] = [];

  constructor(readonly id: string, private readonly writeIntervalMs: number, private readonly nowMs: () => number) {}

  get(key: string): KvEntry {
    const entry = this.entries.get(key);
    if (entry === undefined) throw failure(404, 10009, "get: 'key not found'");
    return entry;
  }

  peek(key: string): KvEntry | undefined {
    return this.entries.get(key);
  }

  bulkWrite(input: unknown): { successful_key_count: number; unsuccessful_keys: string[] } {
    if (!Array.isArray(input)) throw failure(400, 10026, "could not parse request body: expected an array of key/value pairs");
    if (input.length > MAX_PAIRS) throw failure(400, 10012, `received ${input.length} key/value pairs, but max allowed per request is: ${MAX_PAIRS}`);
    const now = this.nowMs();
    const pairs = input.map((item: unknown, index) => readPair(item, index));
    const tooSoon = pairs.filter((pair) => {
      const last = this.entries.get(pair.key)?.writtenAt;
      return last !== undefined && now - last < this.writeIntervalMs;
    });
    if (tooSoon.length > 0) {
      throw new ApiFailure(429, [{ code: 10100, message: `KV PUT failed: 429 Too Many Requests (${tooSoon.map((p) => p.key).join(", ")})` }], {
        "retry-after": String(Math.ceil(this.writeIntervalMs / 1000)),
      });
    }
    for (const pair of pairs) this.entries.set(pair.key, { value: pair.value, metadata: pair.metadata, writtenAt: now });
    this.writes.push(pairs.map((p) => p.key));
    return { successful_key_count: pairs.length, unsuccessful_keys: [] };
  }

  /** `POST …/bulk/delete`: up to 10,000 key names; a missing key is not an error. */
  bulkDelete(input: unknown): { successful_key_count: number; unsuccessful_keys: string[] } {
    if (!Array.isArray(input) || !input.every((key) => typeof key === "string")) throw failure(400, 10026, "could not parse request body: expected an array of key names");
    if (input.length > MAX_PAIRS) throw failure(400, 10012, `received ${input.length} keys, but max allowed per request is: ${MAX_PAIRS}`);
    for (const key of input) this.entries.delete(key);
    this.deletes.push([...input]);
    return { successful_key_count: input.length, unsuccessful_keys: [] };
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}

function readPair(item: unknown, index: number): { key: string; value: Buffer; metadata: unknown } {
  if (typeof item !== "object" || item === null) throw failure(400, 10026, `pair ${index} is not an object`);
  const { key, value, base64, metadata } = item as Record<string, unknown>;
  if (typeof key !== "string" || key === "") throw failure(400, 10026, `pair ${index}: key must be a non-empty string`);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw failure(414, 10019, `key ${index} is longer than ${MAX_KEY_BYTES} bytes`);
  if (typeof value !== "string") throw failure(400, 10026, `pair ${index}: value must be a string`);
  const bytes = base64 === true ? Buffer.from(value, "base64") : Buffer.from(value, "utf8");
  if (bytes.length > MAX_VALUE_BYTES) throw failure(413, 10011, `value of key "${key}" is larger than ${MAX_VALUE_BYTES} bytes`);
  if (metadata !== undefined && Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
    throw failure(413, 10023, `metadata of key "${key}" is larger than ${MAX_METADATA_BYTES} bytes`);
  }
  return { key, value: bytes, metadata: metadata ?? null };
}
