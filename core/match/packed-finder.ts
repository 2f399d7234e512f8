import type { HostRoutes, RoutingTable } from "../table/schema.ts";
import { buildPathTrie, findInPathTrie, type PathNode } from "./path-trie.ts";
import { buildRegexHost } from "./regex-host.ts";
import { NO_RULE, type RouteFinder } from "./route-finder.ts";

export interface PackedFinderOptions {
  /** Hosts with more rules than this get a path trie: a scan is linear in the host's rules. Default 32. */
  readonly maxScannedRules?: number;
}

const SLASH = 0x2f;
/** Per hash slot: [hash, region offset + 1 (0 = empty), first rule number, rule count]. */
const SLOT = 4;
const MAX_KEY = 0xff;
const MAX_PATTERN = 0x7fff;

/**
 * The edge's finder. Work per request is a few hash probes and short scans, like the trie finder's; what differs
 * is memory. A table of 100k rules as tries is hundreds of thousands of Maps scattered over the heap, and a
 * request for a host nobody asked for lately misses the CPU caches at every step. Here a host is one hash slot
 * in a typed array plus one region of bytes — its name, then per rule (Exact first, then Prefix longest first)
 * a length and a number, then the paths' characters — so a match touches two or three cache lines, and the
 * whole index is a few bytes more than the paths themselves. Hosts with many rules, or with characters beyond
 * Latin-1, keep a path trie; hosts with RegularExpression rules a matcher of their own (regex-host.ts).
 */
export function createPackedFinder(table: RoutingTable, options: PackedFinderOptions = {}): RouteFinder {
  const maxScannedRules = Math.min(options.maxScannedRules ?? 32, 0xffff);
  const bytes = new ByteWriter();
  const precise = createBucket();
  const wildcard = createBucket();
  let anyHost: ((path: string) => number) | null = null;
  let first = 0;
  for (const entry of table.hosts) {
    const key = entry.host.startsWith("*.") ? entry.host.slice(2) : entry.host;
    const number = first;
    first += entry.rules.length;
    // A host with patterns has a matcher of its own; the others a packed region, or a trie when they cannot.
    const regexHost = buildRegexHost(entry.rules, number);
    const at = regexHost === null && entry.rules.length <= maxScannedRules ? packRegion(bytes, key, entry) : null;
    if (entry.host === "") {
      if (regexHost !== null) anyHost = regexHost;
      else if (at !== null) anyHost = (path) => scanRegion(packed, at, number, entry.rules.length, path);
      else {
        const trie = buildPathTrie(entry.rules, number);
        anyHost = (path) => findInPathTrie(trie, path);
      }
      continue;
    }
    const bucket = entry.host.startsWith("*.") ? wildcard : precise;
    if (at !== null) bucket.entries.push({ hash: hashRange(key, 0, key.length), at, first: number, count: entry.rules.length });
    else bucket.tries.set(key, regexHost ?? buildPathTrie(entry.rules, number));
  }
  const packed = bytes.finish();
  const preciseIndex = sealBucket(precise);
  const wildcardIndex = sealBucket(wildcard);
  const hasWildcards = wildcard.entries.length > 0 || wildcard.tries.size > 0;

  const findInBucket = (index: SealedBucket, host: string, from: number, path: string): number => {
    const hash = hashRange(host, from, host.length);
    const { slots, mask } = index;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const base = slot * SLOT;
      const region = slots[base + 1] ?? 0;
      if (region === 0) break;
      if (slots[base] === hash && regionKeyEquals(packed, region - 1, host, from)) {
        return scanRegion(packed, region - 1, slots[base + 2] ?? 0, slots[base + 3] ?? 0, path);
      }
    }
    if (index.tries.size === 0) return NO_RULE;
    const trie = index.tries.get(from === 0 ? host : host.slice(from));
    if (trie === undefined) return NO_RULE;
    return typeof trie === "function" ? trie(path) : findInPathTrie(trie, path);
  };

  return {
    find(host, path) {
      const hit = findInBucket(preciseIndex, host, 0, path);
      if (hit !== NO_RULE) return hit;
      if (hasWildcards) {
        const dot = host.indexOf(".");
        if (dot >= 0) {
          const wild = findInBucket(wildcardIndex, host, dot + 1, path);
          if (wild !== NO_RULE) return wild;
        }
      }
      return anyHost === null ? NO_RULE : anyHost(path);
    },
  };
}

interface BucketEntry {
  readonly hash: number;
  readonly at: number;
  readonly first: number;
  readonly count: number;
}

/** A host kept out of the packed bytes: a path trie, or the matcher of a host with RegularExpression rules. */
type HostMatcher = PathNode | ((path: string) => number);

interface Bucket {
  readonly entries: BucketEntry[];
  readonly tries: Map<string, HostMatcher>;
}

interface SealedBucket {
  readonly slots: Int32Array;
  readonly mask: number;
  readonly tries: ReadonlyMap<string, HostMatcher>;
}

function createBucket(): Bucket {
  return { entries: [], tries: new Map() };
}

/** Open addressing, at most half full, so that a probe for an unknown host ends on an empty slot at once. */
function sealBucket(bucket: Bucket): SealedBucket {
  let size = 2;
  while (size < bucket.entries.length * 2) size *= 2;
  const slots = new Int32Array(size * SLOT);
  const mask = size - 1;
  for (const entry of bucket.entries) {
    let slot = entry.hash & mask;
    while ((slots[slot * SLOT + 1] ?? 0) !== 0) slot = (slot + 1) & mask;
    slots.set([entry.hash, entry.at + 1, entry.first, entry.count], slot * SLOT);
  }
  return { slots, mask, tries: bucket.tries };
}

/**
 * Appends a host's region, or returns null when it cannot be packed. Layout: key length (1 byte), key, per rule
 * in scan order 4 bytes (path length × 2 + 1 for Prefix, then the rule's index within the host; both 16-bit
 * little-endian), then every rule's path in the same order (Prefix paths without trailing slashes).
 */
function packRegion(bytes: ByteWriter, key: string, entry: HostRoutes): number | null {
  if (key.length > MAX_KEY || !isLatin1(key)) return null;
  const order: PackedRule[] = [];
  let size = 1 + key.length;
  for (let index = 0; index < entry.rules.length; index++) {
    const rule = entry.rules[index];
    if (rule === undefined) continue;
    const prefix = rule.pathType !== "Exact";
    // A Prefix path is matched without its trailing slashes: `/foo/` and `/foo` match the same requests.
    let length = rule.path.length;
    if (prefix) while (length > 0 && rule.path.charCodeAt(length - 1) === SLASH) length--;
    if (length > MAX_PATTERN || !isLatin1(rule.path)) return null;
    order.push({ index, prefix, path: rule.path, length });
    size += 4 + length;
  }
  // Exact before Prefix; Prefix longest first, `/foo/` before `/foo`; the sort is stable, so among duplicates the
  // first written wins, as in the trie.
  if (order.length > 1) order.sort((a, b) => Number(a.prefix) - Number(b.prefix) || b.length - a.length || b.path.length - a.path.length);
  const at = bytes.reserve(size);
  bytes.push(key.length);
  bytes.pushChars(key, key.length);
  for (const rule of order) {
    const lengthAndKind = rule.length * 2 + (rule.prefix ? 1 : 0);
    bytes.push(lengthAndKind & 0xff);
    bytes.push(lengthAndKind >>> 8);
    bytes.push(rule.index & 0xff);
    bytes.push(rule.index >>> 8);
  }
  for (const rule of order) bytes.pushChars(rule.path, rule.length);
  return at;
}

interface PackedRule {
  readonly index: number;
  readonly prefix: boolean;
  readonly path: string;
  /** How much of `path` is matched: all of it for Exact, without trailing slashes for Prefix. */
  readonly length: number;
}

/** A byte array that grows as regions are appended, so that building the index allocates little. */
class ByteWriter {
  #bytes = new Uint8Array(4096);
  #length = 0;

  /** Makes room for `size` more bytes and returns where they start. */
  reserve(size: number): number {
    if (this.#length + size > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + size));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    return this.#length;
  }

  push(byte: number): void {
    this.#bytes[this.#length++] = byte;
  }

  /** The first `length` characters of `text`, one byte each (callers checked they are Latin-1). */
  pushChars(text: string, length: number): void {
    for (let i = 0; i < length; i++) this.#bytes[this.#length++] = text.charCodeAt(i);
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

function regionKeyEquals(packed: Uint8Array, at: number, host: string, from: number): boolean {
  const length = packed[at] ?? 0;
  if (length !== host.length - from) return false;
  for (let i = 0; i < length; i++) if (packed[at + 1 + i] !== host.charCodeAt(from + i)) return false;
  return true;
}

function scanRegion(packed: Uint8Array, at: number, first: number, count: number, path: string): number {
  let meta = at + 1 + (packed[at] ?? 0);
  let chars = meta + count * 4;
  const pathLength = path.length;
  for (let r = 0; r < count; r++, meta += 4) {
    const lengthAndKind = (packed[meta] ?? 0) | ((packed[meta + 1] ?? 0) << 8);
    const length = lengthAndKind >>> 1;
    const candidate = (lengthAndKind & 1) === 0
      ? length === pathLength
      : length === pathLength || (length < pathLength && path.charCodeAt(length) === SLASH);
    if (candidate && charsEqual(packed, chars, path, length)) return first + ((packed[meta + 2] ?? 0) | ((packed[meta + 3] ?? 0) << 8));
    chars += length;
  }
  return NO_RULE;
}

function charsEqual(packed: Uint8Array, at: number, path: string, length: number): boolean {
  for (let i = 0; i < length; i++) if (packed[at + i] !== path.charCodeAt(i)) return false;
  return true;
}

/** FNV-1a. Only table hosts are stored, so a request's Host can lengthen no probe chain: no need for a keyed hash. */
function hashRange(text: string, from: number, to: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}
