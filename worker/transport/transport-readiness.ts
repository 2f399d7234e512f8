import { indexNodes, resolveTargets, type ResolvedTarget } from "../../core/table/resolve-targets.ts";
import type { Backend, RoutingTable, TableNode } from "../../core/table/schema.ts";
import { targetsOf, type LoadedTable } from "../table/loaded-table.ts";
import type { Transport, UnreachableReason } from "./transport.ts";

/** Whether this edge's transport can reach every target of a table: in the status answer and in each push answer. */
export interface TransportReadiness {
  readonly name: string;
  readonly ready: boolean;
  readonly unreachableTargets: number;
  /** The first reason found (all targets of a table fail for the same one in practice). */
  readonly problem?: string;
  readonly code?: UnreachableReason["code"];
}

export interface TargetCounts {
  readonly targets: number;
  readonly backendsWithoutTargets: number;
}

/** Asks the transport about every target of the table; the counts come along because the same walk finds them. */
export function checkTransportReadiness(loaded: LoadedTable, transport: Transport): { readiness: TransportReadiness; counts: TargetCounts } {
  return checkTargets(loaded.table.backends, (backend) => targetsOf(loaded, backend), transport);
}

/** The same for a whole table not loaded for routing (a push). */
export function checkTableReadiness(table: RoutingTable, transport: Transport): TransportReadiness {
  const nodes = indexNodes(table.nodes);
  return checkTargets(table.backends, (backend) => resolveTargets(nodes, backend), transport).readiness;
}

/** The same over every Node of the table (the sharded layout: an isolate holds no list of all backends). */
export function checkNodesReadiness(nodes: readonly TableNode[], transport: Transport): TransportReadiness {
  const everyNode: Backend = { id: "status/every-node:1", nodePort: 1, targets: "all-nodes" };
  const index = indexNodes(nodes);
  return checkTargets([everyNode], (backend) => resolveTargets(index, backend), transport).readiness;
}

function checkTargets(backends: readonly Backend[], targetsOf: (backend: Backend) => readonly ResolvedTarget[], transport: Transport): { readiness: TransportReadiness; counts: TargetCounts } {
  let targets = 0;
  let unreachable = 0;
  let withoutTargets = 0;
  let reason: UnreachableReason | null = null;
  for (const backend of backends) {
    const resolved = targetsOf(backend);
    if (resolved.length === 0) withoutTargets++;
    targets += resolved.length;
    for (const target of resolved) {
      const why = transport.unreachableReason(target);
      if (why === null) continue;
      unreachable++;
      reason ??= why;
    }
  }
  const readiness: TransportReadiness = {
    name: transport.name,
    ready: unreachable === 0,
    unreachableTargets: unreachable,
    ...(reason === null ? {} : { problem: reason.message, code: reason.code }),
  };
  return { readiness, counts: { targets, backendsWithoutTargets: withoutTargets } };
}
