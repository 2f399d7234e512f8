import { claimedHost, formatHostClaim, hostClaimName, parseHostClaim } from "./host-ownership.ts";
import { findZone, type ZoneRef } from "./host-zones.ts";
import type { ServedHost } from "./served-hosts.ts";

/** A Workers Custom Domain of the account. */
export interface ExistingDomain {
  readonly id: string;
  readonly hostname: string;
  readonly service: string;
}

/** A Workers route of a zone. */
export interface ExistingRoute {
  readonly id: string;
  readonly zoneId: string;
  readonly pattern: string;
  readonly script: string | null;
}

/** A DNS record of a zone: host claims (TXT) and the records at wildcard names. */
export interface ExistingZoneRecord {
  readonly id: string;
  readonly zoneId: string;
  readonly type: string;
  readonly name: string;
  readonly content: string;
  readonly proxied: boolean;
}

/**
 * The proxied record that makes a wildcard name resolve to Cloudflare, so the Worker route can take the
 * request: `100::` is the discard prefix Cloudflare documents for Workers without an origin.
 */
export const WILDCARD_RECORD = { type: "AAAA", content: "100::" } as const;

export type HostStep =
  | { readonly op: "claim"; readonly zoneId: string; readonly name: string; readonly content: string }
  | { readonly op: "attach-domain"; readonly zoneId: string; readonly hostname: string }
  | { readonly op: "create-route"; readonly zoneId: string; readonly pattern: string }
  | { readonly op: "create-record"; readonly zoneId: string; readonly name: string }
  | { readonly op: "detach-domain"; readonly domainId: string; readonly hostname: string }
  | { readonly op: "delete-route"; readonly zoneId: string; readonly routeId: string; readonly pattern: string }
  | { readonly op: "delete-record"; readonly zoneId: string; readonly recordId: string; readonly name: string }
  | { readonly op: "unclaim"; readonly zoneId: string; readonly recordId: string; readonly name: string };

/** One host's steps, in the order that leaves nothing half-done after a crash: claim before attach, detach before unclaim. */
export interface HostChange {
  readonly host: string;
  readonly kind: "attach" | "detach";
  readonly zone: string;
  readonly steps: readonly HostStep[];
}

/** A served host that cannot be attached: outside every zone, or held by something this agent did not create. */
export interface HostProblem {
  readonly host: string;
  readonly ingresses: readonly string[];
  readonly reason: string;
}

export interface HostAttachmentsPlan {
  readonly changes: readonly HostChange[];
  readonly problems: readonly HostProblem[];
  /** Served hosts that already reach the Worker: ours, or attached by hand to this Worker (left as they are). */
  readonly attached: readonly string[];
  /** Hosts of ours no longer served, kept attached until a table without them is at the edge. */
  readonly kept: readonly string[];
}

export interface HostAttachmentsPlanInput {
  readonly desired: readonly ServedHost[];
  readonly zones: readonly ZoneRef[];
  readonly domains: readonly ExistingDomain[];
  readonly routes: readonly ExistingRoute[];
  readonly records: readonly ExistingZoneRecord[];
  readonly ownerId: string;
  readonly workerName: string;
  /** False while the edge may still serve a table naming hosts no longer desired: they stay attached (`kept`). */
  readonly detach: boolean;
}

interface Claims {
  readonly zoneId: string;
  readonly ours: ExistingZoneRecord[];
  readonly others: string[];
}

const ADDRESS_OR_ALIAS: ReadonlySet<string> = new Set(["A", "AAAA", "CNAME"]);

/**
 * Which claims, Custom Domains, Workers routes and wildcard records keep every served host attached to the
 * Worker and detach the hosts of ours no longer served: exact hosts as Custom Domains (Cloudflare makes their
 * proxied record and edge certificate), wildcard hosts as a route `*.<base>/*` plus a proxied `*.<base>` record.
 * Anything already there that this owner did not claim is reported, never taken over. Pure.
 */
export function planHostAttachments(input: HostAttachmentsPlanInput): HostAttachmentsPlan {
  const claims = readClaims(input.records, input.ownerId);
  const desired = new Map(input.desired.map((served) => [served.host, served]));
  const changes: HostChange[] = [];
  const problems: HostProblem[] = [];
  const attached: string[] = [];
  const kept: string[] = [];

  for (const served of [...input.desired].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))) {
    const zone = findZone(served.host, input.zones);
    const problem = (reason: string) => problems.push({ host: served.host, ingresses: served.ingresses, reason });
    if (zone === null) {
      problem(`${served.host} is in no zone of the Cloudflare account: add the zone, or attach the host by hand`);
      continue;
    }
    const claim = claims.get(served.host);
    if (claim !== undefined && claim.ours.length === 0) {
      problem(`${served.host} is claimed by another edge-ingress owner (${[...new Set(claim.others)].join(", ")})`);
      continue;
    }
    const outcome = served.host.startsWith("*.")
      ? planWildcard(served.host, zone, claim, input)
      : planExact(served.host, zone, claim, input);
    if (typeof outcome === "string") problem(outcome);
    else if (outcome.length === 0) attached.push(served.host);
    else changes.push({ host: served.host, kind: "attach", zone: zone.name, steps: outcome });
  }

  for (const [host, claim] of [...claims].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (claim.ours.length === 0) continue;
    const zoneName = input.zones.find((z) => z.id === claim.zoneId)?.name ?? claim.zoneId;
    if (desired.has(host)) {
      // A second claim of ours (a create retried after a lost answer): drop the extras.
      const extras = claim.ours.slice(1).map((record): HostStep => ({ op: "unclaim", zoneId: claim.zoneId, recordId: record.id, name: record.name }));
      if (extras.length > 0) changes.push({ host, kind: "attach", zone: zoneName, steps: extras });
      continue;
    }
    if (!input.detach) {
      kept.push(host);
      continue;
    }
    const steps: HostStep[] = host.startsWith("*.") ? detachWildcard(host, claim.zoneId, input) : detachExact(host, input);
    for (const record of claim.ours) steps.push({ op: "unclaim", zoneId: claim.zoneId, recordId: record.id, name: record.name });
    changes.push({ host, kind: "detach", zone: zoneName, steps });
  }
  return { changes, problems, attached, kept };
}

/** The steps for an exact host, or why it cannot be attached. */
function planExact(host: string, zone: ZoneRef, claim: Claims | undefined, input: HostAttachmentsPlanInput): HostStep[] | string {
  const domain = input.domains.find((d) => d.hostname.toLowerCase() === host);
  if (domain?.service === input.workerName) return [];
  if (domain !== undefined) {
    return `${host} is a Custom Domain of the Worker ${domain.service}${claim === undefined ? ", not created by edge-ingress" : " (changed by hand)"}: left as it is`;
  }
  const steps: HostStep[] = claim === undefined ? [claimStep(host, zone, input.ownerId)] : [];
  steps.push({ op: "attach-domain", zoneId: zone.id, hostname: host });
  return steps;
}

/** The steps for a wildcard host, or why it cannot be attached. */
function planWildcard(host: string, zone: ZoneRef, claim: Claims | undefined, input: HostAttachmentsPlanInput): HostStep[] | string {
  const pattern = `${host}/*`;
  const route = input.routes.find((r) => r.zoneId === zone.id && r.pattern === pattern);
  const records = input.records.filter((r) => r.zoneId === zone.id && r.name.toLowerCase() === host && ADDRESS_OR_ALIAS.has(r.type));
  const routeOk = route !== undefined && route.script === input.workerName;
  const recordOk = records.some((r) => r.proxied);
  if (route !== undefined && !routeOk) {
    return `the Workers route ${pattern} ${route.script === null ? "runs no Worker" : `runs the Worker ${route.script}`}${claim === undefined ? ", not created by edge-ingress" : " (changed by hand)"}: left as it is`;
  }
  const foreign = records[0];
  if (foreign !== undefined && !recordOk) {
    return `the DNS record ${host} (${foreign.type} ${foreign.content}) is not proxied: requests would bypass the Worker; left as it is`;
  }
  if (claim === undefined && (route !== undefined || foreign !== undefined)) {
    if (routeOk && recordOk) return []; // attached by hand to this Worker: serves as well as ours
    if (foreign === undefined) return `the Workers route ${pattern} was not created by edge-ingress and ${host} has no proxied DNS record: left as it is`;
    return `the DNS record ${host} (${foreign.type} ${foreign.content}) was not created by edge-ingress: left as it is`;
  }
  const steps: HostStep[] = claim === undefined ? [claimStep(host, zone, input.ownerId)] : [];
  if (route === undefined) steps.push({ op: "create-route", zoneId: zone.id, pattern });
  if (records.length === 0) steps.push({ op: "create-record", zoneId: zone.id, name: host });
  return steps;
}

function detachExact(host: string, input: HostAttachmentsPlanInput): HostStep[] {
  const domain = input.domains.find((d) => d.hostname.toLowerCase() === host && d.service === input.workerName);
  return domain === undefined ? [] : [{ op: "detach-domain", domainId: domain.id, hostname: host }];
}

function detachWildcard(host: string, zoneId: string, input: HostAttachmentsPlanInput): HostStep[] {
  const steps: HostStep[] = [];
  const pattern = `${host}/*`;
  for (const route of input.routes) {
    if (route.zoneId === zoneId && route.pattern === pattern && route.script === input.workerName) steps.push({ op: "delete-route", zoneId, routeId: route.id, pattern });
  }
  for (const record of input.records) {
    // Only the record we make: one changed by hand to point somewhere is someone's now.
    if (record.zoneId === zoneId && record.name.toLowerCase() === host && record.type === WILDCARD_RECORD.type && record.content === WILDCARD_RECORD.content && record.proxied) {
      steps.push({ op: "delete-record", zoneId, recordId: record.id, name: host });
    }
  }
  return steps;
}

function claimStep(host: string, zone: ZoneRef, ownerId: string): HostStep {
  return { op: "claim", zoneId: zone.id, name: hostClaimName(host), content: formatHostClaim(ownerId) };
}

function readClaims(records: readonly ExistingZoneRecord[], ownerId: string): Map<string, Claims> {
  const claims = new Map<string, Claims>();
  for (const record of records) {
    if (record.type !== "TXT") continue;
    const host = claimedHost(record.name.toLowerCase());
    const owner = parseHostClaim(record.content);
    if (host === null || owner === null) continue;
    const entry = claims.get(host) ?? { zoneId: record.zoneId, ours: [], others: [] };
    claims.set(host, entry);
    if (owner === ownerId) entry.ours.push(record);
    else entry.others.push(owner);
  }
  return claims;
}

/** A plan step as one line: what `--dry-run` prints and the logs say. */
export function describeHostStep(step: HostStep): string {
  switch (step.op) {
    case "claim":
      return `create TXT ${step.name} (ownership)`;
    case "attach-domain":
      return `attach Custom Domain ${step.hostname}`;
    case "create-route":
      return `create Workers route ${step.pattern}`;
    case "create-record":
      return `create proxied ${WILDCARD_RECORD.type} ${step.name} ${WILDCARD_RECORD.content}`;
    case "detach-domain":
      return `detach Custom Domain ${step.hostname}`;
    case "delete-route":
      return `delete Workers route ${step.pattern}`;
    case "delete-record":
      return `delete ${WILDCARD_RECORD.type} ${step.name}`;
    case "unclaim":
      return `delete TXT ${step.name} (ownership)`;
  }
}
