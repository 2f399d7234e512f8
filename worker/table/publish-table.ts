import type { RoutingTable } from "../../core/table/schema.ts";
import { advanceHead, keysToCollect, manifestKey, partsToWrite, type TableHead } from "../../core/table/table-head.ts";
import { readManifest, shardTable, type TableIndex, type TableManifest } from "../../core/table/table-shards.ts";
import type { PointerClient } from "../pointer/pointer-client.ts";

/** KV operations one Worker invocation may make (Free and Paid); a publication keeps a margin below it. */
export const KV_OPERATIONS_PER_INVOCATION = 1000;
const MARGIN = 20;

export type Publication =
  | { readonly result: "stored"; readonly head: TableHead; readonly manifest: TableManifest; readonly index: TableIndex; readonly written: number; readonly deleted: number }
  | { readonly result: "stale"; readonly head: TableHead };

/**
 * Stores a validated table in its sharded layout: the parts no kept version already stored, then the manifest, then
 * the versions dropped from the kept ones are collected, then the pointer advances (a compare-and-set on the
 * generation). Readers follow the pointer, so they never see a manifest before its parts. Within the KV operations
 * one invocation may make: what collection cannot delete now stays listed in the head's `garbage` for next time.
 */
export async function publishTable(kv: KVNamespace, pointer: PointerClient, table: RoutingTable, previous: TableHead | null): Promise<Publication> {
  const sharded = await shardTable(table);
  let operations = 0;
  const manifests = new Map<string, TableManifest>();
  const manifestOf = async (hash: string): Promise<TableManifest | null> => {
    const known = manifests.get(hash);
    if (known !== undefined) return known;
    operations++;
    const text = await kv.get(manifestKey(hash), "text");
    const read = text === null ? null : readManifest(text);
    if (read === null || !read.ok) return null;
    manifests.set(hash, read.value);
    return read.value;
  };
  manifests.set(sharded.manifestHash, sharded.manifest);
  const kept = (await Promise.all((previous?.kept ?? []).map(manifestOf))).filter((found): found is TableManifest => found !== null);
  const missing = partsToWrite(sharded, kept);
  await Promise.all([...missing].map(([key, text]) => kv.put(key, text)));
  await kv.put(manifestKey(sharded.manifestHash), sharded.manifestText);
  operations += missing.size + 1;

  let head = advanceHead(previous, { version: table.version, generation: table.generation, manifest: sharded.manifestHash });
  const keptNow = (await Promise.all(head.kept.map(manifestOf))).filter((found): found is TableManifest => found !== null);
  const garbage = [...head.garbage];
  let deleted = 0;
  for (const dropped of head.garbage) {
    const manifest = await manifestOf(dropped);
    const keys = manifest === null ? [manifestKey(dropped)] : keysToCollect(dropped, manifest, keptNow);
    if (operations + keys.length > KV_OPERATIONS_PER_INVOCATION - MARGIN) break;
    await Promise.all(keys.map((key) => kv.delete(key)));
    operations += keys.length;
    deleted += keys.length;
    garbage.splice(garbage.indexOf(dropped), 1);
  }
  head = { ...head, garbage };
  const advanced = await pointer.advance(head);
  if (!advanced.accepted) return { result: "stale", head: advanced.head };
  const index = JSON.parse(sharded.parts.get(sharded.manifest.index) ?? "null") as TableIndex;
  return { result: "stored", head, manifest: sharded.manifest, index, written: missing.size + 1, deleted };
}
