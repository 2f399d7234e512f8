import { GATEWAY_GROUP, type ParentReference } from "./gateway-objects.ts";
import { type Condition, condition, type RouteParentVerdict } from "./gateway-status.ts";
import type { ServedListener, Side } from "./evaluate-listeners.ts";
import { intersectHostnames, tableHostOf } from "./intersect-hostnames.ts";

/** A parentRef with its defaults filled in; null when it names no Gateway (another kind of parent). */
export function parentOf(ref: ParentReference, routeNamespace: string): RouteParentVerdict["parentRef"] | null {
  const group = ref.group ?? GATEWAY_GROUP;
  const kind = ref.kind ?? "Gateway";
  if (group !== GATEWAY_GROUP || kind !== "Gateway" || ref.name === undefined) return null;
  return {
    group,
    kind,
    namespace: ref.namespace ?? routeNamespace,
    name: ref.name,
    ...(ref.sectionName === undefined ? {} : { sectionName: ref.sectionName }),
    ...(ref.port === undefined ? {} : { port: ref.port }),
  };
}

/** A parentRef's attachment: which listeners take the route, and on which hosts; the Accepted condition. */
export function attach(parent: RouteParentVerdict["parentRef"], listeners: readonly ServedListener[], namespace: string, hostnames: readonly string[], sides: Map<string, Set<Side>>): Condition {
  const named = listeners.filter((l) => (parent.sectionName === undefined || l.name === parent.sectionName) && (parent.port === undefined || l.port === parent.port));
  if (named.length === 0) return condition("Accepted", false, "NoMatchingParent", "no listener of the Gateway matches the parentRef's sectionName and port");
  const allowed = named.filter((l) => l.allows(namespace));
  if (allowed.length === 0) return condition("Accepted", false, "NotAllowedByListeners", `no listener allows routes from namespace ${namespace}`);
  let attached = false;
  for (const listener of allowed) {
    const hosts = intersectHostnames(listener.hostname, hostnames);
    if (hosts.length === 0) continue;
    attached = true;
    listener.verdict.attachedRoutes++;
    for (const host of hosts) {
      const tableHost = tableHostOf(host);
      const set = sides.get(tableHost) ?? new Set<Side>();
      set.add(listener.side);
      sides.set(tableHost, set);
    }
  }
  return attached
    ? condition("Accepted", true, "Accepted", "attached")
    : condition("Accepted", false, "NoMatchingListenerHostname", "no hostname of the route matches a listener's");
}
