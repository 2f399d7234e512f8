import type { Problem, TableNode } from "../table/schema.ts";
import type { Node } from "./cluster-objects.ts";

const EXCLUDE_LABELS = [
  "node.kubernetes.io/exclude-from-external-load-balancers",
  "alpha.service-controller.kubernetes.io/exclude-balancer",
];

export interface EligibleNodes {
  /** Sorted by name. */
  readonly nodes: readonly TableNode[];
  readonly byName: ReadonlyMap<string, TableNode>;
  readonly problems: readonly Problem[];
}

/**
 * Nodes that may receive edge traffic: Ready, not being deleted, not excluded from external load balancers,
 * with an address the edge can reach (ExternalIP; InternalIP only when allowed), and not withheld by the caller.
 */
export function selectEligibleNodes(
  nodes: readonly Node[],
  options: { allowInternalIp: boolean; nodeDomain?: string; withheldNodes?: ReadonlyMap<string, string> },
): EligibleNodes {
  const eligible: TableNode[] = [];
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
  }
  eligible.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { nodes: eligible, byName: new Map(eligible.map((node) => [node.name, node])), problems };
}

function pickAddress(node: Node, allowInternalIp: boolean): string | null {
  const addresses = node.status?.addresses ?? [];
  const external = addresses.find((a) => a.type === "ExternalIP" && a.address !== undefined && a.address !== "");
  if (external?.address !== undefined) return external.address;
  if (!allowInternalIp) return null;
  const internal = addresses.find((a) => a.type === "InternalIP" && a.address !== undefined && a.address !== "");
  return internal?.address ?? null;
}
