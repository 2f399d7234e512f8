/**
 * The version pointer: which manifest is the table now, and which earlier ones are kept. The one mutable record of
 * the stored table (in a Durable Object where one is bound, else under {@link HEAD_KEY} in KV); every other key is
 * immutable, named by the SHA-256 of its bytes. Writers advance it only to a higher generation.
 */
import { z } from "zod";
import type { ShardedTable, TableManifest } from "./table-shards.ts";

/** KV key of the head when no Durable Object holds it (and always, for publishers without one: `--publish kv`). */
export const HEAD_KEY = "table-head";
/** The single-value table of earlier releases: still read when no head exists. */
export const LEGACY_TABLE_KEY = "routing-table";
export const MANIFEST_PREFIX = "table-manifest-";
export const PART_PREFIX = "table-part-";
/** Versions whose keys are kept: the current one and the previous ones an isolate may still be reading. */
export const KEPT_VERSIONS = 3;

export interface TableHead {
  readonly version: string;
  readonly generation: number;
  /** SHA-256 (hex) of the manifest's bytes. */
  readonly manifest: string;
  /** Manifest hashes whose keys are kept, newest first (the current one included). */
  readonly kept: readonly string[];
  /** Manifests dropped from `kept` whose keys are not all deleted yet. */
  readonly garbage: readonly string[];
}

export function manifestKey(hash: string): string {
  return `${MANIFEST_PREFIX}${hash}`;
}

export function partKey(hash: string): string {
  return `${PART_PREFIX}${hash}`;
}

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const headSchema = z.strictObject({
  version: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  generation: z.number().int().min(0),
  manifest: hash,
  kept: z.array(hash).max(64),
  garbage: z.array(hash).max(1024),
});

export function readHead(value: unknown): TableHead | null {
  const parsed = headSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The head after publishing `next`: it first, the previous kept ones after it, the ones beyond {@link KEPT_VERSIONS} to collect. */
export function advanceHead(previous: TableHead | null, next: { readonly version: string; readonly generation: number; readonly manifest: string }): TableHead {
  const earlier = previous === null ? [] : previous.kept.filter((kept) => kept !== next.manifest);
  const kept = [next.manifest, ...earlier].slice(0, KEPT_VERSIONS);
  const dropped = earlier.slice(KEPT_VERSIONS - 1);
  const garbage = [...new Set([...(previous?.garbage ?? []), ...dropped])].filter((candidate) => !kept.includes(candidate));
  return { ...next, kept, garbage };
}

/** The KV keys of one stored version: its manifest and every part it names. */
export function keysOf(manifestHash: string, manifest: TableManifest): string[] {
  return [manifestKey(manifestHash), partKey(manifest.index), ...new Set(manifest.buckets.map(partKey))];
}

/** Of a sharded table's parts, those not already stored by one of the kept manifests: what a publication writes. */
export function partsToWrite(table: ShardedTable, kept: readonly TableManifest[]): Map<string, string> {
  const stored = new Set(kept.flatMap((manifest) => [manifest.index, ...manifest.buckets]));
  const missing = new Map<string, string>();
  for (const [hash, text] of table.parts) if (!stored.has(hash)) missing.set(partKey(hash), text);
  return missing;
}

/** Keys of a dropped manifest that no kept manifest still names: what collecting it deletes (its manifest key last). */
export function keysToCollect(droppedHash: string, dropped: TableManifest, kept: readonly TableManifest[]): string[] {
  const named = new Set(kept.flatMap((manifest) => [manifest.index, ...manifest.buckets]));
  const parts = [dropped.index, ...dropped.buckets].filter((part) => !named.has(part));
  return [...new Set(parts)].map(partKey).concat(manifestKey(droppedHash));
}
