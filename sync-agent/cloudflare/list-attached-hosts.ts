import type { Cloudflare } from "cloudflare";
import { claimedHost, HOST_CLAIM_PREFIX, parseHostClaim } from "./host-ownership.ts";
import { retryRateLimited } from "./retry-rate-limited.ts";

export interface AttachedHost {
  readonly host: string;
  readonly via: "custom-domain" | "route";
  readonly zone: string;
  /** The edge-ingress owner whose claim covers it; null: attached by hand. */
  readonly owner: string | null;
}

export interface ClaimedHost {
  readonly host: string;
  readonly zone: string;
  readonly owner: string;
}

export interface HostListing {
  readonly attached: readonly AttachedHost[];
  /** Claimed by an agent but not (or no longer) sending to the Worker: an attach that failed or is under way. */
  readonly notAttached: readonly ClaimedHost[];
}

/**
 * What reaches the Worker, read from the account (for `edge-ingress status --hosts`): its Custom Domains and the
 * Workers routes naming it, each with the owner whose claim covers it. Read only. Hosts an agent could not attach
 * at all (outside every zone, held by someone else) leave no trace in the account: the agent reports those as
 * Warning Events, `host-not-attached` log lines and the `edge_ingress_hosts{state="failed"}` gauge.
 */
export async function listAttachedHosts(client: Cloudflare, accountId: string, workerName: string): Promise<HostListing> {
  const zones: { id: string; name: string }[] = await retryRateLimited("list zones", async () => {
    const found: { id: string; name: string }[] = [];
    for await (const zone of client.zones.list({ account: { id: accountId }, per_page: 50 })) found.push({ id: zone.id, name: zone.name });
    return found;
  });
  const attached: AttachedHost[] = [];
  const claims = new Map<string, ClaimedHost>();
  const domains = await retryRateLimited("list Workers Custom Domains", async () => {
    const found: { hostname: string; zone: string }[] = [];
    for await (const domain of client.workers.domains.list({ account_id: accountId, service: workerName })) found.push({ hostname: domain.hostname, zone: domain.zone_name });
    return found;
  });
  for (const zone of zones) {
    await retryRateLimited(`list host claims of ${zone.name}`, async () => {
      for await (const record of client.dns.records.list({ zone_id: zone.id, type: "TXT", name: { startswith: HOST_CLAIM_PREFIX }, per_page: 1000 })) {
        const host = claimedHost(record.name.toLowerCase());
        const owner = typeof record.content === "string" ? parseHostClaim(record.content) : null;
        if (host !== null && owner !== null) claims.set(host, { host, zone: zone.name, owner });
      }
    });
    const routes = await retryRateLimited(`list Workers routes of ${zone.name}`, async () => {
      const found: string[] = [];
      for await (const route of client.workers.routes.list({ zone_id: zone.id })) if (route.script === workerName) found.push(route.pattern);
      return found;
    });
    for (const pattern of routes) {
      const host = pattern.replace(/\/\*$/, "");
      attached.push({ host, via: "route", zone: zone.name, owner: null });
    }
  }
  for (const domain of domains) attached.push({ host: domain.hostname, via: "custom-domain", zone: domain.zone, owner: null });
  const withOwners = attached.map((a) => ({ ...a, owner: claims.get(a.host)?.owner ?? null })).sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const reached = new Set(withOwners.map((a) => a.host));
  const notAttached = [...claims.values()].filter((c) => !reached.has(c.host)).sort((a, b) => (a.host < b.host ? -1 : 1));
  return { attached: withOwners, notAttached };
}
