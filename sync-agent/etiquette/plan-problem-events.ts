import { createHash } from "node:crypto";
import { type Ingress, namespacedKey, namespaceOf, type ObjectMeta, type Service } from "../../core/compile/cluster-objects.ts";
import { isEdgeLoadBalancer } from "../../core/compile/load-balancer-services.ts";
import type { Problem } from "../../core/table/schema.ts";

/** The object an Event is about: an Ingress we serve, a LoadBalancer Service of our class, or a Gateway API object. */
export interface InvolvedObject {
  readonly apiVersion: "networking.k8s.io/v1" | "v1" | "gateway.networking.k8s.io/v1";
  readonly kind: "Ingress" | "Service" | "HTTPRoute" | "Gateway";
  readonly name: string;
  readonly uid: string | undefined;
  readonly resourceVersion: string | undefined;
}

export interface ProblemEvent {
  /** Identity of the report: the object (by uid, so a re-created one is reported afresh) and the reason. */
  readonly key: string;
  /** Deterministic, so that a restarted agent updates the Event it created rather than adding a twin. */
  readonly eventName: string;
  readonly namespace: string;
  readonly involved: InvolvedObject;
  readonly message: string;
}

/**
 * One Warning Event per problem, not one per loop: the problems of the new table, on an Ingress or on one of
 * our LoadBalancer Services, that have not been reported yet (`reported` holds the keys of those already
 * reported). Problems of other Services are left to `compile` and the logs: those Services are not ours to write
 * on. `current` is every problem's key, to keep as the new `reported` once written, so that a problem that goes
 * away and comes back is reported again. Pure.
 */
export function planProblemEvents(
  problems: readonly Problem[],
  ingresses: readonly Ingress[],
  reported: ReadonlySet<string>,
  services: readonly Service[] = [],
  gateway: { readonly httpRoutes?: readonly { metadata?: ObjectMeta }[]; readonly gateways?: readonly { metadata?: ObjectMeta }[] } = {},
): { readonly toReport: ProblemEvent[]; readonly current: ReadonlySet<string> } {
  const objects = new Map<string, Map<string, { metadata?: ObjectMeta }>>([
    ["Ingress", new Map(ingresses.map((ingress) => [namespacedKey(ingress.metadata), ingress]))],
    ["Service", new Map(services.filter(isEdgeLoadBalancer).map((service) => [namespacedKey(service.metadata), service]))],
    // The compiler reports problems only of routes attached to, and Gateways of, the edge's GatewayClasses.
    ["HTTPRoute", new Map((gateway.httpRoutes ?? []).map((route) => [namespacedKey(route.metadata), route]))],
    ["Gateway", new Map((gateway.gateways ?? []).map((g) => [namespacedKey(g.metadata), g]))],
  ]);
  const toReport: ProblemEvent[] = [];
  const current = new Set<string>();
  for (const problem of problems) {
    if (problem.kind !== "Ingress" && problem.kind !== "Service" && problem.kind !== "HTTPRoute" && problem.kind !== "Gateway") continue;
    const object = objects.get(problem.kind)?.get(problem.object);
    const name = object?.metadata?.name;
    if (object === undefined || name === undefined) continue;
    const uid = object.metadata?.uid;
    // An Ingress's key stays as it was before Services had Events, so an upgraded agent does not report anew.
    const key = `${problem.kind === "Ingress" ? "" : "Service\u0000"}${uid ?? problem.object}\u0000${problem.reason}`;
    current.add(key);
    if (reported.has(key)) continue;
    const digest = createHash("sha256").update(key).digest("hex").slice(0, 16);
    toReport.push({
      key,
      eventName: `${name.slice(0, 200)}.edge-ingress.${digest}`,
      namespace: namespaceOf(object.metadata),
      involved: {
        apiVersion: problem.kind === "Ingress" ? "networking.k8s.io/v1" : problem.kind === "Service" ? "v1" : "gateway.networking.k8s.io/v1",
        kind: problem.kind,
        name,
        uid,
        resourceVersion: (object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion,
      },
      message: problem.reason,
    });
  }
  return { toReport, current };
}
