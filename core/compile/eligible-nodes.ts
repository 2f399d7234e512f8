import type { Problem, TableNode } from "../table/schema.ts";
import type { Node } from "./cluster-objects.ts";
import type { ProbeAddress } from "./compile-options.ts";

const EXCLUDE_LABELS = [
  "node.kubernetes.io/exclude-from-external-load-balancers",
  "alpha.service-controller.kubernetes.io/exclude-balancer",
];

export interface EligibleNodes {
  /** Sorted by name. */
  readonly nodes: readonly TableNode[];
  readonly byName: ReadonlyMap<string, TableNode>;
  /** Node name → the address the agent's health checks probe (not in the table: the edge never uses it). */
  readonly probeAddresses: ReadonlyMap<string, string>;
  readonly problems: readonly Problem[];
}

/**
 * Nodes that may receive edge traffic: Ready, not being deleted, not excluded from external load balancers,
 * with an address the edge can reach (ExternalIP; InternalIP only when allowed), and not withheld by the caller.
 */
export function selectEligibleNodes(
  nodes: readonly Node[],
  options: { allowInternalIp: boolean; nodeDomain?: string; probeAddress?: ProbeAddress; withheldNodes?: ReadonlyMap<string, string> },
): EligibleNodes {
  const eligible: TableNode[] = [];
  const probeAddresses = new Map<string, string>();
  const problems: Problem[] = [];
  for (const node of nodes) {
    const name = node.metadata?.name;
    if (name === undefined || name === "") continue;
    if (node.metadata?.deletionTimestamp !== undefined && node.metadata.deletionTimestamp !== null) continue;
    if (EXCLUDE_LABELS.some((label) => node.metadata?.labels?.[label] !== undefined)) continue;
    const ready = node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
    if (!ready) continue;
    const address = pickAddress(node, options.allowInternalIp);
    if (address === null) {
      problems.push({
        kind: "Node",
        object: name,
        reason: options.allowInternalIp
          ? "has no ExternalIP or InternalIP address: left out"
          : "has no ExternalIP address: left out (--allow-internal-ip would use its InternalIP)",
      });
      continue;
    }
    const withheld = options.withheldNodes?.get(name);
    if (withheld !== undefined) {
      problems.push({ kind: "Node", object: name, reason: `held out of the table: ${withheld}` });
      continue;
    }
    const hostname = options.nodeDomain === undefined ? undefined : `${name}.${options.nodeDomain}`;
    eligible.push(hostname === undefined ? { name, address } : { name, address, hostname });
    probeAddresses.set(name, options.probeAddress === "external" ? address : addressOf(node, "InternalIP") ?? address);
  }
  eligible.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { nodes: eligible, byName: new Map(eligible.map((node) => [node.name, node])), probeAddresses, problems };
}

function pickAddress(node: Node, allowInternalIp: boolean): string | null {
  return addressOf(node, "ExternalIP") ?? (allowInternalIp ? addressOf(node, "InternalIP") : null);
}

function addressOf(node: Node, type: "ExternalIP" | "InternalIP"): string | null {
  return node.status?.addresses?.find((a) => a.type === type && a.address !== undefined && a.address !== "")?.address ?? null;
}
