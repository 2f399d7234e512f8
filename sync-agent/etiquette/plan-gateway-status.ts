import type { ObjectMeta } from "../../core/compile/cluster-objects.ts";
import { EDGE_CONTROLLER } from "../../core/compile/gateway/gateway-objects.ts";
import type { Condition, GatewayVerdicts, RouteParentVerdict } from "../../core/compile/gateway/gateway-status.ts";
import { toCanonicalJson } from "../../core/table/canonical-json.ts";

/** A Gateway API object as the informers give it: with its status and resourceVersion. */
export interface GatewayApiObject {
  readonly metadata?: ObjectMeta & { readonly resourceVersion?: string; readonly generation?: number };
  readonly status?: Readonly<Record<string, unknown>> | null;
}

export interface KubeCondition extends Condition {
  readonly observedGeneration: number;
  readonly lastTransitionTime: string;
}

export interface GatewayStatusChange {
  readonly kind: "GatewayClass" | "Gateway" | "HTTPRoute";
  /** null for the cluster-scoped GatewayClass. */
  readonly namespace: string | null;
  readonly name: string;
  readonly resourceVersion: string | undefined;
  readonly status: Readonly<Record<string, unknown>>;
}

export interface GatewayObjectsWithStatus {
  readonly gatewayClasses?: readonly GatewayApiObject[];
  readonly gateways?: readonly GatewayApiObject[];
  readonly httpRoutes?: readonly GatewayApiObject[];
}

/**
 * The status writes that bring the Gateway API objects in line with what the compiler decided, as the conformance
 * suite reads them: conditions with observedGeneration, each keeping its lastTransitionTime while its status holds;
 * a Gateway's addresses (the edge hostname) and listeners; an HTTPRoute's parents of ours (others' kept). Only
 * objects whose status would change. Pure: `now` is given.
 */
export function planGatewayStatus(objects: GatewayObjectsWithStatus, verdicts: GatewayVerdicts, hostname: string | undefined, now: Date): GatewayStatusChange[] {
  const changes: GatewayStatusChange[] = [];
  const at = now.toISOString();
  const find = (list: readonly GatewayApiObject[] | undefined, key: string, namespaced: boolean) =>
    (list ?? []).find((o) => (namespaced ? `${o.metadata?.namespace ?? "default"}/${o.metadata?.name ?? ""}` : o.metadata?.name ?? "") === key);
  const propose = (kind: GatewayStatusChange["kind"], object: GatewayApiObject | undefined, status: Record<string, unknown>): void => {
    const name = object?.metadata?.name;
    if (object === undefined || name === undefined) return;
    const current = object.status ?? {};
    const merged = { ...current, ...status };
    // Compared without regard to key order: the API server returns a custom resource's fields sorted.
    if (toCanonicalJson(merged) === toCanonicalJson(current)) return;
    changes.push({ kind, namespace: kind === "GatewayClass" ? null : object.metadata?.namespace ?? "default", name, resourceVersion: object.metadata?.resourceVersion, status: merged });
  };

  for (const verdict of verdicts.classes) {
    const object = find(objects.gatewayClasses, verdict.name, false);
    propose("GatewayClass", object, { conditions: kubeConditions(verdict.conditions, conditionsOf(object?.status), generationOf(object), at) });
  }
  for (const verdict of verdicts.gateways) {
    const object = find(objects.gateways, verdict.key, true);
    const current = object?.status ?? {};
    const currentListeners = Array.isArray(current.listeners) ? (current.listeners as { name?: string; conditions?: unknown }[]) : [];
    propose("Gateway", object, {
      ...(hostname === undefined ? {} : { addresses: [{ type: "Hostname", value: hostname }] }),
      conditions: kubeConditions(verdict.conditions, conditionsOf(current), generationOf(object), at),
      listeners: verdict.listeners.map((listener) => ({
        name: listener.name,
        supportedKinds: listener.supportedKinds,
        attachedRoutes: listener.attachedRoutes,
        conditions: kubeConditions(listener.conditions, conditionsOf(currentListeners.find((l) => l.name === listener.name)), generationOf(object), at),
      })),
    });
  }
  const decided = new Set(verdicts.routes.map((r) => r.key));
  for (const verdict of verdicts.routes) {
    const object = find(objects.httpRoutes, verdict.key, true);
    const current = parentsOf(object);
    const others = current.filter((p) => p.controllerName !== EDGE_CONTROLLER);
    propose("HTTPRoute", object, {
      parents: [
        ...others,
        ...verdict.parents.map((parent) => ({
          parentRef: parent.parentRef,
          controllerName: EDGE_CONTROLLER,
          conditions: kubeConditions(parent.conditions, conditionsOf(current.find((p) => p.controllerName === EDGE_CONTROLLER && sameRef(p.parentRef, parent.parentRef))), generationOf(object), at),
        })),
      ],
    });
  }
  // A route no longer attached to any Gateway of ours loses our parents' entries (and keeps others').
  for (const object of objects.httpRoutes ?? []) {
    const key = `${object.metadata?.namespace ?? "default"}/${object.metadata?.name ?? ""}`;
    if (decided.has(key)) continue;
    const current = parentsOf(object);
    if (current.some((p) => p.controllerName === EDGE_CONTROLLER)) propose("HTTPRoute", object, { parents: current.filter((p) => p.controllerName !== EDGE_CONTROLLER) });
  }
  return changes;
}

interface ParentStatus {
  readonly parentRef?: Record<string, unknown>;
  readonly controllerName?: string;
  readonly conditions?: unknown;
}

function parentsOf(object: GatewayApiObject | undefined): ParentStatus[] {
  const parents = object?.status?.parents;
  return Array.isArray(parents) ? (parents as ParentStatus[]) : [];
}

function sameRef(a: Record<string, unknown> | undefined, b: RouteParentVerdict["parentRef"]): boolean {
  return a !== undefined && (a.namespace ?? "") === b.namespace && a.name === b.name && (a.sectionName ?? undefined) === b.sectionName && (a.port ?? undefined) === b.port;
}

function conditionsOf(holder: { readonly conditions?: unknown } | Readonly<Record<string, unknown>> | null | undefined): readonly Partial<KubeCondition>[] {
  const conditions = (holder as { conditions?: unknown } | null | undefined)?.conditions;
  return Array.isArray(conditions) ? (conditions as Partial<KubeCondition>[]) : [];
}

function generationOf(object: GatewayApiObject | undefined): number {
  return object?.metadata?.generation ?? 0;
}

/** Conditions as Kubernetes keeps them: lastTransitionTime moves only when the status does. */
function kubeConditions(conditions: readonly Condition[], current: readonly Partial<KubeCondition>[], generation: number, at: string): KubeCondition[] {
  return conditions.map((condition) => {
    const before = current.find((c) => c.type === condition.type);
    const since = before !== undefined && before.status === condition.status && typeof before.lastTransitionTime === "string" ? before.lastTransitionTime : at;
    return { type: condition.type, status: condition.status, observedGeneration: generation, lastTransitionTime: since, reason: condition.reason, message: condition.message };
  });
}
