import { formatOwnerContent, parseOwnerContent } from "./dns-ownership.ts";

/*
 * Ownership of attached hosts, in the zone's DNS as for node records (see dns-ownership.ts), under a prefix of
 * its own so that the two registries never read each other's claims: `_edge-ingress-host.<host>` for an exact
 * host, `_edge-ingress-host._wildcard.<base>` for `*.<base>` (a `*` label is only allowed leftmost). A Custom
 * Domain, route or wildcard record whose host has no claim of ours is never changed or removed.
 */

export const HOST_CLAIM_PREFIX = "_edge-ingress-host.";
const WILDCARD_LABEL = "_wildcard.";

export function hostClaimName(host: string): string {
  return host.startsWith("*.") ? `${HOST_CLAIM_PREFIX}${WILDCARD_LABEL}${host.slice(2)}` : `${HOST_CLAIM_PREFIX}${host}`;
}

/** The host a claim record speaks for, or null when `name` is not a host claim. */
export function claimedHost(name: string): string | null {
  if (!name.startsWith(HOST_CLAIM_PREFIX)) return null;
  const rest = name.slice(HOST_CLAIM_PREFIX.length);
  return rest.startsWith(WILDCARD_LABEL) ? `*.${rest.slice(WILDCARD_LABEL.length)}` : rest;
}

export const formatHostClaim = formatOwnerContent;
export const parseHostClaim = parseOwnerContent;
