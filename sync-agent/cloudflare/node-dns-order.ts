import type { ExistingRecord, NameChange, NodeDnsPlan } from "./node-dns-plan.ts";

/**
 * Records first, then the table that needs them; the table first, then the records it no longer needs. A
 * Node's name must resolve before any published table names it (or every request the edge sends it fails), and
 * must keep resolving until the edge holds a table without it. So the changes for Nodes in the table (creates,
 * updates, their duplicates' deletes) come before the publish, and the removals of Nodes that are gone after.
 */
export function splitAroundPublish(plan: NodeDnsPlan): { readonly beforePublish: readonly NameChange[]; readonly afterPublish: readonly NameChange[] } {
  const beforePublish: NameChange[] = [];
  const afterPublish: NameChange[] = [];
  for (const change of plan.changes) (plan.desired.has(change.name) ? beforePublish : afterPublish).push(change);
  return { beforePublish, afterPublish };
}

/**
 * The Nodes whose name does not (yet) resolve to their address once the changes before the publish were made,
 * each with the reason: a failed step, a record of someone else's pointing elsewhere, a Node that cannot have a
 * record. They are held out of the published table until their record is in place; the others are served.
 * `failed`: record name → why its steps failed.
 */
export function nodesWithoutRecords(plan: NodeDnsPlan, existing: readonly ExistingRecord[], failed: ReadonlyMap<string, string>): Map<string, string> {
  const withheld = new Map<string, string>();
  for (const invalid of plan.invalid) withheld.set(invalid.node, `cannot have a DNS record: ${invalid.name === "" ? "" : `${invalid.name} `}${invalid.reason}`);
  for (const conflict of plan.conflicts) {
    const want = plan.desired.get(conflict.name);
    // A record we may not touch that already says the right thing serves as well as ours (records kept by hand).
    const resolves = want !== undefined && existing.some((record) => record.name.toLowerCase() === conflict.name && record.type === want.type && sameAddress(record.content, want.address));
    if (!resolves) withheld.set(conflict.node, `DNS record ${conflict.name} is not ours to set: ${conflict.reason}`);
  }
  for (const [name, want] of plan.desired) {
    const why = failed.get(name);
    if (why !== undefined) withheld.set(want.node, `DNS record ${name} not in place: ${why}`);
  }
  return withheld;
}

function sameAddress(a: string, b: string): boolean {
  const canonical = (address: string) => (address.includes(":") ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address);
  try {
    return canonical(a) === canonical(b);
  } catch {
    return false;
  }
}
