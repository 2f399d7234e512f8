import { isIPv4, isIPv6 } from "node:net";
import type { TableNode } from "../../core/table/schema.ts";
import { formatOwnerContent, ownedName, ownerRecordName, parseOwnerContent } from "./dns-ownership.ts";

/** What the plan needs to know of an existing record. */
export interface ExistingRecord {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly content: string;
  readonly proxied: boolean;
  readonly ttl: number;
}

export interface RecordSpec {
  readonly type: "A" | "AAAA" | "TXT";
  readonly name: string;
  readonly content: string;
  /** Address records only: always false (grey cloud) so that a Worker's fetch reaches any port. */
  readonly proxied?: false;
  readonly ttl: number;
  readonly comment: string;
}

export type DnsStep =
  | { readonly op: "create"; readonly record: RecordSpec }
  | { readonly op: "update"; readonly id: string; readonly before: ExistingRecord; readonly record: RecordSpec }
  | { readonly op: "delete"; readonly record: ExistingRecord };

/** The steps for one name, in the order that keeps a crash harmless: claim before create, remove before unclaim. */
export interface NameChange {
  readonly name: string;
  readonly steps: readonly DnsStep[];
}

export interface DnsConflict {
  readonly node: string;
  readonly name: string;
  readonly reason: string;
}

export interface NodeDnsPlan {
  /** Name → address of every Node that should have a record (conflicts included). */
  readonly desired: ReadonlyMap<string, { readonly node: string; readonly type: "A" | "AAAA"; readonly address: string }>;
  readonly changes: readonly NameChange[];
  /** Names held by records this agent did not create: left alone. */
  readonly conflicts: readonly DnsConflict[];
  /** Nodes that cannot have a record (no hostname, name outside the domain, address not an IP). */
  readonly invalid: readonly DnsConflict[];
}

export interface NodeDnsPlanInput {
  readonly nodes: readonly TableNode[];
  readonly nodeDomain: string;
  readonly ownerId: string;
  /** Every record under `nodeDomain` (owner records included). */
  readonly existing: readonly ExistingRecord[];
  readonly ttl: number;
}

const ADDRESS_TYPES: ReadonlySet<string> = new Set(["A", "AAAA"]);

/**
 * Node DNS records, planned as external-dns plans: desired records from the table's Nodes
 * (`<node>.<node-domain>` → address, A or AAAA, not proxied), compared with what the zone holds and who owns
 * it, give the creates, updates and deletes. Pure: no API, no clock.
 */
export function planNodeDns(input: NodeDnsPlanInput): NodeDnsPlan {
  const { ownerId, nodeDomain, ttl } = input;
  const comment = `managed by edge-ingress (owner ${ownerId})`;
  const { desired, invalid } = desiredRecords(input.nodes, nodeDomain);
  const byName = groupByName(input.existing);
  const owners = ownersByName(input.existing, ownerId);

  const changes: NameChange[] = [];
  const conflicts: DnsConflict[] = [];
  const names = new Set([...desired.keys(), ...[...owners.entries()].filter(([, o]) => o.ours.length > 0).map(([name]) => name)]);
  for (const name of [...names].sort()) {
    const want = desired.get(name);
    const records = byName.get(name) ?? [];
    const owner = owners.get(name) ?? { ours: [], others: [] };
    const addressRecords = records.filter((r) => ADDRESS_TYPES.has(r.type));
    const cname = records.find((r) => r.type === "CNAME");

    if (want === undefined) {
      // Ours, and its Node is gone: remove the addresses, then the claim. Another owner's claim stays.
      changes.push({ name, steps: [...addressRecords, ...owner.ours].map((record) => ({ op: "delete", record })) });
      continue;
    }
    if (owner.others.length > 0) {
      const others = [...new Set(owner.others.map((o) => o.owner))].join(", ");
      conflicts.push({ node: want.node, name, reason: `claimed by another edge-ingress owner (${others})` });
      continue;
    }
    if (owner.ours.length === 0) {
      const foreign = cname ?? addressRecords[0];
      if (foreign !== undefined) {
        conflicts.push({ node: want.node, name, reason: `a ${foreign.type} record not created by edge-ingress exists (${foreign.content})` });
        continue;
      }
    } else if (cname !== undefined) {
      conflicts.push({ node: want.node, name, reason: `a CNAME record not created by edge-ingress exists (${cname.content})` });
      continue;
    }

    const steps: DnsStep[] = [];
    if (owner.ours.length === 0) {
      steps.push({ op: "create", record: { type: "TXT", name: ownerRecordName(name), content: formatOwnerContent(ownerId), ttl, comment } });
    }
    const spec: RecordSpec = { type: want.type, name, content: want.address, proxied: false, ttl, comment };
    const sameType = addressRecords.filter((r) => r.type === want.type);
    const keep = sameType.find((r) => matches(r, spec)) ?? sameType[0];
    if (keep === undefined) steps.push({ op: "create", record: spec });
    else if (!matches(keep, spec)) steps.push({ op: "update", id: keep.id, before: keep, record: spec });
    for (const extra of addressRecords) if (extra !== keep) steps.push({ op: "delete", record: extra });
    // Duplicate claims of ours (a crash between two writes can leave one): keep the first.
    for (const extra of owner.ours.slice(1)) steps.push({ op: "delete", record: extra });
    if (steps.length > 0) changes.push({ name, steps });
  }
  return { desired, changes, conflicts, invalid };
}

/** True when the plan changes nothing. */
export function isEmptyPlan(plan: NodeDnsPlan): boolean {
  return plan.changes.length === 0;
}

function desiredRecords(nodes: readonly TableNode[], nodeDomain: string): { desired: NodeDnsPlan["desired"]; invalid: DnsConflict[] } {
  const desired = new Map<string, { node: string; type: "A" | "AAAA"; address: string }>();
  const invalid: DnsConflict[] = [];
  for (const node of nodes) {
    const name = node.hostname?.toLowerCase();
    if (name === undefined) {
      invalid.push({ node: node.name, name: "", reason: "has no hostname: the table was compiled without --node-domain" });
      continue;
    }
    if (!name.endsWith(`.${nodeDomain}`)) {
      invalid.push({ node: node.name, name, reason: `is not under the node domain ${nodeDomain}` });
      continue;
    }
    if (name.length > 253 || name.split(".").some((label) => label.length === 0 || label.length > 63)) {
      invalid.push({ node: node.name, name, reason: "is not a valid DNS name (labels of 1–63 characters, 253 in all)" });
      continue;
    }
    const type = addressType(node.address);
    if (type === null) {
      invalid.push({ node: node.name, name, reason: `address "${node.address}" is neither IPv4 nor IPv6` });
      continue;
    }
    desired.set(name, { node: node.name, type, address: canonicalAddress(node.address) });
  }
  return { desired, invalid };
}

function groupByName(records: readonly ExistingRecord[]): Map<string, ExistingRecord[]> {
  const byName = new Map<string, ExistingRecord[]>();
  for (const record of records) {
    const name = record.name.toLowerCase();
    byName.set(name, [...(byName.get(name) ?? []), record]);
  }
  return byName;
}

interface Owners {
  readonly ours: ExistingRecord[];
  readonly others: { readonly owner: string; readonly record: ExistingRecord }[];
}

function ownersByName(records: readonly ExistingRecord[], ownerId: string): Map<string, Owners> {
  const owners = new Map<string, Owners>();
  for (const record of records) {
    if (record.type !== "TXT") continue;
    const name = ownedName(record.name.toLowerCase());
    const owner = parseOwnerContent(record.content);
    if (name === null || owner === null) continue;
    const entry = owners.get(name) ?? { ours: [], others: [] };
    owners.set(name, entry);
    if (owner === ownerId) entry.ours.push(record);
    else entry.others.push({ owner, record });
  }
  return owners;
}

function matches(record: ExistingRecord, spec: RecordSpec): boolean {
  return record.type === spec.type
    && canonicalAddress(record.content) === canonicalAddress(spec.content)
    && record.proxied === false
    && record.ttl === spec.ttl;
}

function addressType(address: string): "A" | "AAAA" | null {
  if (isIPv4(address)) return "A";
  if (isIPv6(address)) return "AAAA";
  return null;
}

/** IPv6 in its one canonical text form (RFC 5952, as the WHATWG URL parser writes it), so `::1` equals `0::1`. */
function canonicalAddress(address: string): string {
  if (!isIPv6(address)) return address;
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
