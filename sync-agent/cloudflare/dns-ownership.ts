/*
 * The ownership registry, after external-dns's TXT registry: next to each name it manages the agent keeps a TXT
 * record `_edge-ingress-owner.<name>` whose value names the agent's owner id. A name without that record, or
 * with another owner's, is not ours: its records are never changed or deleted, and a clash is reported.
 */

export const OWNER_RECORD_PREFIX = "_edge-ingress-owner.";
const HERITAGE = "heritage=edge-ingress";
const OWNER_KEY = "edge-ingress/owner=";

/** Letters, digits, `-`, `_` and `.`, at most 63: fits a TXT value and a record comment, needs no quoting. */
export const OWNER_ID = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;

export function ownerRecordName(name: string): string {
  return `${OWNER_RECORD_PREFIX}${name}`;
}

/** The name an owner record speaks for, or null when `name` is not an owner record. */
export function ownedName(ownerRecord: string): string | null {
  return ownerRecord.startsWith(OWNER_RECORD_PREFIX) ? ownerRecord.slice(OWNER_RECORD_PREFIX.length) : null;
}

/** Quoted, as Cloudflare recommends for TXT content. */
export function formatOwnerContent(ownerId: string): string {
  return `"${HERITAGE},${OWNER_KEY}${ownerId}"`;
}

/** The owner id a TXT value names, or null when it is not an edge-ingress ownership value. */
export function parseOwnerContent(content: string): string | null {
  const unquoted = content.trim().replace(/^"(.*)"$/s, "$1");
  const fields = unquoted.split(",").map((field) => field.trim());
  if (!fields.includes(HERITAGE)) return null;
  const owner = fields.find((field) => field.startsWith(OWNER_KEY));
  return owner === undefined ? null : owner.slice(OWNER_KEY.length);
}
