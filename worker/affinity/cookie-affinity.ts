import { base64url } from "jose";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import type { Backend, CookieAffinity } from "../../core/table/schema.ts";

/** Cookie value ↔ node, for one backend of one table. */
export interface CookieIndex {
  readonly nodeByValue: ReadonlyMap<string, string>;
  readonly valueByNode: ReadonlyMap<string, string>;
}

const COOKIE_BYTES = 16;

export async function importCookieKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/**
 * The cookie value naming a target: base64url of HMAC-SHA256(key, backend id, node name, nodePort) truncated to
 * 128 bits. Opaque (no address, no list position), the same at every edge location holding the key, and
 * unforgeable without it; a stale or forged value simply names no target.
 */
export async function cookieValueOf(key: CryptoKey, backendId: string, target: ResolvedTarget): Promise<string> {
  const message = new TextEncoder().encode(`edge-ingress/affinity/v1\n${backendId}\n${target.node}\n${target.nodePort}`);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  return base64url.encode(mac.subarray(0, COOKIE_BYTES));
}

export async function buildCookieIndex(key: CryptoKey, backend: Backend, targets: readonly ResolvedTarget[]): Promise<CookieIndex> {
  const values = await Promise.all(targets.map((target) => cookieValueOf(key, backend.id, target)));
  const nodeByValue = new Map<string, string>();
  const valueByNode = new Map<string, string>();
  targets.forEach((target, i) => {
    const value = values[i];
    if (value === undefined) return;
    nodeByValue.set(value, target.node);
    valueByNode.set(target.node, value);
  });
  return { nodeByValue, valueByNode };
}

export { readCookie } from "../../core/policy/read-cookie.ts";

/** Set-Cookie for the affinity cookie, attributes from the Ingress annotations. */
export function affinityCookie(affinity: CookieAffinity, value: string, secure: boolean): string {
  const parts = [`${affinity.name}=${value}`, `Path=${affinity.path}`];
  if (affinity.maxAge !== undefined) parts.push(`Max-Age=${affinity.maxAge}`);
  // Browsers drop a SameSite=None cookie that is not Secure; on plain http the browser default (Lax) applies.
  if (affinity.sameSite !== undefined && (affinity.sameSite !== "None" || secure)) parts.push(`SameSite=${affinity.sameSite}`);
  if (secure) parts.push("Secure");
  parts.push("HttpOnly");
  return parts.join("; ");
}
