import { toCanonicalJson } from "./canonical-json.ts";
import type { RoutingTable, TableContent } from "./schema.ts";

/** The version of a table: SHA-256 of its canonical content (without `version` and `generation`). */
export async function hashTableContent(content: TableContent): Promise<string> {
  const { schema, nodes, hosts, defaultBackend, backends, tls, problems } = content;
  const bytes = new TextEncoder().encode(toCanonicalJson({ schema, nodes, hosts, defaultBackend, backends, tls, problems }));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return `sha256:${toHex(new Uint8Array(digest))}`;
}

export async function sealTable(content: TableContent, generation: number): Promise<RoutingTable> {
  return { ...content, version: await hashTableContent(content), generation };
}

/** The bytes stored in KV and pushed to the edge. */
export function serializeTable(table: RoutingTable): string {
  return toCanonicalJson(table);
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
