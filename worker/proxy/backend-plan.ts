import { targetSetOf } from "../../core/balance/target-set.ts";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import type { Backend } from "../../core/table/schema.ts";
import { affinityCookie, buildCookieIndex } from "../affinity/cookie-affinity.ts";
import { targetsOf, type LoadedTable } from "../table/loaded-table.ts";
import type { Transport, UnreachableReason } from "../transport/transport.ts";

/** Set-Cookie values naming one target, for plain http and for https (Secure, SameSite=None allowed). */
export interface TargetCookie {
  readonly http: string;
  readonly https: string;
}

export interface CookiePlan {
  /** Affinity cookie value → node name. */
  readonly nodeByValue: ReadonlyMap<string, string>;
  /** Node name → the Set-Cookie header that pins a client to it. */
  readonly setCookieByNode: ReadonlyMap<string, TargetCookie>;
}

/**
 * Everything proxying to one backend of one table needs that does not depend on the request: computed on first
 * use for a table version (and the transport and cookie key it was made for), then only read.
 */
export interface BackendPlan {
  readonly transport: Transport;
  readonly cookieKey: CryptoKey | null;
  /** Every target of the backend, in table order. */
  readonly targets: readonly ResolvedTarget[];
  /** The targets the transport can reach, in table order: the one list every choice is made from. */
  readonly reachable: readonly ResolvedTarget[];
  /** Why the first unreachable target cannot be reached; null when every target can be. */
  readonly unreachable: UnreachableReason | null;
  /** Reachable targets by node name (a backend's targets have distinct nodes). */
  readonly reachableByNode: ReadonlyMap<string, ResolvedTarget>;
  /** Null when the backend has no cookie affinity or the edge has no cookie key. */
  readonly cookies: CookiePlan | null;
}

/**
 * The backend's plan: the finished one when this table already has it for this transport and key, else a new
 * one. Returned synchronously when finished, so the common request awaits nothing; a plan being built is never
 * shared (each request builds its own until one is stored).
 */
export function planBackend(loaded: LoadedTable, backend: Backend, transport: Transport, cookieKey: CryptoKey | null): BackendPlan | Promise<BackendPlan> {
  const cached = loaded.plans.get(backend.id);
  if (cached !== undefined && cached.transport === transport && cached.cookieKey === cookieKey) return cached;
  const base = planTargets(loaded, backend, transport);
  const affinity = backend.affinity;
  if (affinity?.mode !== "cookie" || cookieKey === null) return storePlan(loaded, backend, { ...base, transport, cookieKey, cookies: null });
  return buildCookieIndex(cookieKey, backend, base.targets).then((index) => {
    const setCookieByNode = new Map<string, TargetCookie>();
    for (const [node, value] of index.valueByNode) {
      setCookieByNode.set(node, { http: affinityCookie(affinity, value, false), https: affinityCookie(affinity, value, true) });
    }
    return storePlan(loaded, backend, { ...base, transport, cookieKey, cookies: { nodeByValue: index.nodeByValue, setCookieByNode } });
  });
}

function planTargets(loaded: LoadedTable, backend: Backend, transport: Transport): Pick<BackendPlan, "targets" | "reachable" | "unreachable" | "reachableByNode"> {
  const targets = targetsOf(loaded, backend);
  const reachable: ResolvedTarget[] = [];
  const reachableByNode = new Map<string, ResolvedTarget>();
  let unreachable: UnreachableReason | null = null;
  for (const target of targets) {
    const reason = transport.unreachableReason(target);
    if (reason === null) {
      reachable.push(target);
      if (!reachableByNode.has(target.node)) reachableByNode.set(target.node, target);
    } else {
      unreachable ??= reason;
    }
  }
  // Prepared now, with the table, rather than by the first request that balances over it.
  targetSetOf(reachable);
  return { targets, reachable, unreachable, reachableByNode };
}

function storePlan(loaded: LoadedTable, backend: Backend, plan: BackendPlan): BackendPlan {
  loaded.plans.set(backend.id, plan);
  return plan;
}
