import type { HostRoutes, TableNode } from "../../../core/table/schema.ts";
import { HEAD_KEY, manifestKey, partKey, readHead } from "../../../core/table/table-head.ts";
import { readBucket, readIndex, readManifest, type HostSlice } from "../../../core/table/table-shards.ts";
import type { KvNamespace } from "./kv-namespace.ts";

/** What the fake namespace holds as the current table, read back from its sharded layout as the worker reads it. */
export interface StoredTable {
  readonly version: string;
  readonly generation: number;
  readonly nodes: readonly TableNode[];
  /** Every host's rules, sorted by host (host-less rules under ""). */
  readonly hosts: readonly HostRoutes[];
}

export function readStoredTable(kv: KvNamespace): StoredTable | undefined {
  const text = (key: string) => kv.peek(key)?.value.toString("utf8");
  const headText = text(HEAD_KEY);
  const head = headText === undefined ? null : readHead(JSON.parse(headText));
  if (head === null) return undefined;
  const manifest = readManifest(text(manifestKey(head.manifest)) ?? "");
  if (!manifest.ok) throw new Error(`manifest: ${JSON.stringify(manifest.issues)}`);
  const index = readIndex(text(partKey(manifest.value.index)) ?? "");
  if (!index.ok) throw new Error(`index: ${JSON.stringify(index.issues)}`);
  const hosts: HostRoutes[] = index.value.anyHost === null ? [] : [{ host: "", rules: index.value.anyHost }];
  for (const hash of new Set(manifest.value.buckets)) {
    const bucket = readBucket(text(partKey(hash)) ?? "");
    if (!bucket.ok) throw new Error(`bucket ${hash}: ${JSON.stringify(bucket.issues)}`);
    for (const stored of bucket.value.values()) {
      const slice = stored as HostSlice;
      if (slice.rules !== undefined) hosts.push({ host: slice.key, rules: slice.rules });
    }
  }
  hosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return { version: head.version, generation: head.generation, nodes: index.value.nodes, hosts };
}
