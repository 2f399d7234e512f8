import { toCanonicalJson } from "./canonical-json.ts";
import type { RoutingTable, TableContent } from "./schema.ts";

/**
 * The version of a table: SHA-256 of its canonical content (without `version` and `generation`). Every content
 * field is hashed — the record's type makes a field added to `TableContent` a compile error here until it is
 * listed — so a change to any of them (an allow-list, a redirect) is a new version the agent pushes. Optional
 * fields that are absent drop out of the canonical bytes, so tables without them keep their version.
 */
export async function hashTableContent(content: TableContent): Promise<string> {
  const { schema, nodes, hosts, defaultBackend, backends, tls, problems, policies, hostRedirects } = content;
  const hashed: Record<keyof TableContent, unknown> = { schema, nodes, hosts, defaultBackend, backends, tls, problems, policies, hostRedirects };
  const bytes = new TextEncoder().encode(toCanonicalJson(hashed));
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
