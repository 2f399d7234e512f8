import { namespacedKey, namespaceOf, timestampMillis } from "../cluster-objects.ts";
import type { BackendContext } from "../resolve-backend.ts";
import { attach, parentOf } from "./attach-route.ts";
import { compileRules } from "./compile-route-rules.ts";
import { evaluateListeners, type ServedListener, type Side } from "./evaluate-listeners.ts";
import { EDGE_CONTROLLER, type GatewayObjects } from "./gateway-objects.ts";
import type { GatewaySink } from "./gateway-sink.ts";
import { type Condition, condition, type GatewayVerdicts, type ListenerVerdict, type RouteParentVerdict } from "./gateway-status.ts";
import { isGatewayHostname } from "./intersect-hostnames.ts";
import { namespaceLabels } from "./select-namespaces.ts";

export type { GatewaySink } from "./gateway-sink.ts";

/**
 * Gateway API into the routing table: GatewayClasses whose controller is the edge's, their Gateways' HTTP (port 80)
 * and HTTPS (port 443) listeners, and the HTTPRoutes attached to them — each match a table rule (host × path ×
 * conditions) onto backends resolved exactly as Ingress backends are. Pure: everything it cannot serve is a
 * problem, and what it decided about each object comes back as status conditions.
 */
export function compileGatewayRoutes(cluster: GatewayObjects, context: BackendContext, sink: GatewaySink): GatewayVerdicts {
  const classes = (cluster.gatewayClasses ?? []).filter((c) => c.spec?.controllerName === EDGE_CONTROLLER);
  const classNames = new Set(classes.map((c) => c.metadata?.name ?? ""));
  const labelsOf = namespaceLabels(cluster.namespaces);
  const grants = cluster.referenceGrants ?? [];
  const listeners = new Map<string, ServedListener[]>();
  const gatewayVerdicts = [];
  const gateways = [...(cluster.gateways ?? [])]
    .filter((g) => classNames.has(g.spec?.gatewayClassName ?? ""))
    .sort((a, b) => compareKeys(namespacedKey(a.metadata), namespacedKey(b.metadata)));
  const listenerVerdicts = new Map<string, ListenerVerdict[]>();
  const certificates = new Map<string, Set<string>>();
  for (const gateway of gateways) {
    const key = namespacedKey(gateway.metadata);
    const served: ServedListener[] = [];
    const verdicts = evaluateListeners(gateway, key, labelsOf, grants, served, sink, certificates);
    listeners.set(key, served);
    listenerVerdicts.set(key, verdicts.listeners);
    gatewayVerdicts.push({ key, generation: gateway.metadata?.generation ?? 0, conditions: verdicts.conditions, listeners: verdicts.listeners });
  }

  const routes = [...(cluster.httpRoutes ?? [])].sort((a, b) =>
    timestampMillis(a.metadata?.creationTimestamp) - timestampMillis(b.metadata?.creationTimestamp) || compareKeys(namespacedKey(a.metadata), namespacedKey(b.metadata)));
  const routeVerdicts = [];
  let order = 0;
  for (const route of routes) {
    const key = namespacedKey(route.metadata);
    const namespace = namespaceOf(route.metadata);
    const report = (reason: string): void => { sink.problems.push({ kind: "HTTPRoute", object: key, reason }); };
    const hostnames = (route.spec?.hostnames ?? []).filter((hostname) => {
      if (isGatewayHostname(hostname)) return true;
      report(`hostname "${hostname}" is not a valid host name; ignored`);
      return false;
    });
    // Which sides of the edge serve each table host, over every listener the route attaches to.
    const sides = new Map<string, Set<Side>>();
    const parents: { ref: RouteParentVerdict["parentRef"]; accepted: Condition }[] = [];
    for (const ref of route.spec?.parentRefs ?? []) {
      const parent = parentOf(ref, namespace);
      if (parent === null) continue;
      const gatewayListeners = listeners.get(`${parent.namespace}/${parent.name}`);
      if (gatewayListeners === undefined) continue; // Not a Gateway of the edge's: another controller's to answer.
      parents.push({ ref: parent, accepted: attach(parent, gatewayListeners, namespace, hostnames, sides) });
    }
    if (parents.length === 0) continue;
    const resolved = sides.size === 0
      ? condition("ResolvedRefs", true, "ResolvedRefs", "not attached to any listener")
      : compileRules(route, key, namespace, sides, grants, context, sink, report, () => order++);
    routeVerdicts.push({
      key,
      generation: route.metadata?.generation ?? 0,
      parents: parents.map(({ ref, accepted }) => ({ parentRef: ref, conditions: [accepted, resolved] })),
    });
  }
  return {
    classes: classes.map((c) => ({
      name: c.metadata?.name ?? "",
      generation: c.metadata?.generation ?? 0,
      conditions: [
        condition("Accepted", true, "Accepted", "served by edge-ingress"),
        condition("SupportedVersion", true, "SupportedVersion", "gateway.networking.k8s.io/v1"),
      ],
    })),
    gateways: gatewayVerdicts.map((g) => ({ ...g, listeners: listenerVerdicts.get(g.key) ?? g.listeners })),
    routes: routeVerdicts,
    certificates: [...certificates].sort(([a], [b]) => compareKeys(a, b)).map(([secret, hosts]) => ({ secret, hosts: [...hosts].sort() })),
  };
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

