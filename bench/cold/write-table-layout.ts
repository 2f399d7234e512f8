import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { serializeTable } from "../../core/table/hash-table.ts";
import type { RoutingTable } from "../../core/table/schema.ts";
import { advanceHead, HEAD_KEY, LEGACY_TABLE_KEY, manifestKey, partKey } from "../../core/table/table-head.ts";
import { shardTable } from "../../core/table/table-shards.ts";

export type TableLayout = "sharded" | "single-value";

/**
 * A directory workerd serves as the TABLE_KV namespace (one file per key), holding `table` as the edge stores it:
 * `sharded` (head, manifest, parts: what a push or `--publish kv` writes now) or `single-value` (the one
 * `routing-table` value of earlier releases, which the edge still reads when no head exists: the layout before).
 */
export async function writeTableLayout(directory: string, table: RoutingTable, layout: TableLayout): Promise<{ readonly keys: number; readonly bytes: number }> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  const files = new Map<string, string>();
  if (layout === "single-value") {
    files.set(LEGACY_TABLE_KEY, serializeTable(table));
  } else {
    const sharded = await shardTable(table);
    for (const [hash, text] of sharded.parts) files.set(partKey(hash), text);
    files.set(manifestKey(sharded.manifestHash), sharded.manifestText);
    files.set(HEAD_KEY, JSON.stringify(advanceHead(null, { version: table.version, generation: table.generation, manifest: sharded.manifestHash })));
  }
  let bytes = 0;
  for (const [key, text] of files) {
    await writeFile(join(directory, key), text);
    bytes += Buffer.byteLength(text);
  }
  return { keys: files.size, bytes };
}
