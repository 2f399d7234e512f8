import { compileRoutes, type CompiledRoutes } from "../../core/match/match-request.ts";
import { indexNodes, resolveTargets, type ResolvedTarget } from "../../core/table/resolve-targets.ts";
import type { Backend, RoutingTable, TableNode } from "../../core/table/schema.ts";
import type { BackendPlan } from "../proxy/backend-plan.ts";

/** A validated table with everything derived from it. Immutable apart from lazily filled, finished caches. */
export interface LoadedTable {
  readonly table: RoutingTable;
  readonly routes: CompiledRoutes;
  readonly nodes: ReadonlyMap<string, TableNode>;
  /** Epoch ms. */
  readonly loadedAt: number;
  readonly source: "kv" | "push";
  /** Backend id → its targets; filled on first use. */
  readonly targets: Map<string, readonly ResolvedTarget[]>;
  /** Backend id → what proxying to it needs (reachable targets, cookie values); filled on first use. */
  readonly plans: Map<string, BackendPlan>;
}

/** `nodes`: the table's Node index when the caller already has it (host views of one version share theirs). */
export function loadTable(table: RoutingTable, source: "kv" | "push", now: number, nodes: ReadonlyMap<string, TableNode> = indexNodes(table.nodes)): LoadedTable {
  return { table, routes: compileRoutes(table), nodes, loadedAt: now, source, targets: new Map(), plans: new Map() };
}

export function targetsOf(loaded: LoadedTable, backend: Backend): readonly ResolvedTarget[] {
  let targets = loaded.targets.get(backend.id);
  if (targets === undefined) {
    targets = resolveTargets(loaded.nodes, backend);
    loaded.targets.set(backend.id, targets);
  }
  return targets;
}
