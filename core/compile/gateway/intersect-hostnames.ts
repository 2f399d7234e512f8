/**
 * The hostnames a route serves through a listener (Gateway API: HTTPRoute spec.hostnames): the listener's and
 * the route's intersected. `*.example.com` matches any number of labels before `example.com`, not the name
 * itself. "" stands for any host (neither side names one). Empty: no intersection.
 */
export function intersectHostnames(listener: string | undefined, route: readonly string[]): string[] {
  if (listener === undefined || listener === "") return route.length === 0 ? [""] : [...route];
  if (route.length === 0) return [listener];
  const out = new Set<string>();
  for (const hostname of route) {
    const both = intersectOne(listener, hostname);
    if (both !== null) out.add(both);
  }
  return [...out];
}

function intersectOne(listener: string, route: string): string | null {
  const listenerWild = listener.startsWith("*.");
  const routeWild = route.startsWith("*.");
  if (!listenerWild && !routeWild) return listener === route ? route : null;
  if (listenerWild && !routeWild) return covers(listener, route) ? route : null;
  if (!listenerWild && routeWild) return covers(route, listener) ? listener : null;
  if (listener === route) return route;
  // Two wildcards: the narrower one, when the wider covers it.
  if (covers(listener, route.slice(2))) return route;
  if (covers(route, listener.slice(2))) return listener;
  return null;
}

/** True when the wildcard `*.suffix` matches `name` (one or more labels before the suffix). */
function covers(wildcard: string, name: string): boolean {
  const suffix = wildcard.slice(1);
  return name.length > suffix.length && name.endsWith(suffix);
}

/** The table's host key for a Gateway API hostname: any-depth wildcards are `**.`, any host is "". */
export function tableHostOf(hostname: string): string {
  return hostname.startsWith("*.") ? `*${hostname}` : hostname;
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Gateway API Hostname: a lower-case DNS name, maybe with a leading `*.` label; no IP address. */
export function isGatewayHostname(value: string): boolean {
  return value.length <= 253 && HOSTNAME.test(value) && !/^\d+\.\d+\.\d+\.\d+$/.test(value);
}
