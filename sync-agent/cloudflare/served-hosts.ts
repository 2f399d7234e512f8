import type { TableContent } from "../../core/table/schema.ts";

/** A host the table serves, with the Ingresses (`namespace/name`) whose rules serve it: who hears of its problems. */
export interface ServedHost {
  readonly host: string;
  readonly ingresses: readonly string[];
}

/**
 * The hosts to attach to the Worker, read from the compiled table rather than from Ingress objects, so that every
 * source of hosts the compiler learns (Ingresses, Gateway API HTTPRoutes, LoadBalancer Services) is attached alike.
 * Rules without a host apply to every host and name none: nothing to attach. A host the edge only redirects
 * (ingress-nginx's from-to-www-redirect) must reach the edge too. Sorted, lower-case. Pure.
 */
export function listServedHosts(content: Pick<TableContent, "hosts" | "hostRedirects">): ServedHost[] {
  const served = new Map<string, Set<string>>();
  for (const entry of content.hosts) {
    // A Gateway API wildcard (any depth, `**.` in the table) reaches the edge as `*.`: Cloudflare's wildcard route
    // and DNS record both cover every depth.
    const host = (entry.host.startsWith("**.") ? entry.host.slice(1) : entry.host).toLowerCase();
    if (host === "" || entry.rules.length === 0) continue;
    const ingresses = served.get(host) ?? new Set<string>();
    served.set(host, ingresses);
    for (const rule of entry.rules) ingresses.add(rule.ingress);
  }
  for (const redirect of content.hostRedirects ?? []) {
    const ingresses = served.get(redirect.from) ?? new Set<string>();
    served.set(redirect.from, ingresses);
    ingresses.add(redirect.ingress);
  }
  return [...served]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, ingresses]) => ({ host, ingresses: [...ingresses].sort() }));
}
