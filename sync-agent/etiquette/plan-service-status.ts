import { namespacedKey, namespaceOf, type Service } from "../../core/compile/cluster-objects.ts";
import { isEdgeLoadBalancer } from "../../core/compile/load-balancer-services.ts";
import type { LoadBalancerIngress } from "./plan-ingress-status.ts";

export interface ServiceWithStatus extends Service {
  readonly metadata?: Service["metadata"] & { readonly resourceVersion?: string };
  readonly status?: {
    readonly loadBalancer?: { readonly ingress?: readonly LoadBalancerIngress[] | null } | null;
    readonly [field: string]: unknown;
  } | null;
}

export interface ServiceStatusChange {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string | undefined;
  /** The whole new status (a status update replaces it): the current one with `loadBalancer.ingress` set. */
  readonly status: Readonly<Record<string, unknown>>;
  /** The new `status.loadBalancer.ingress`; empty = none. */
  readonly entries: readonly LoadBalancerIngress[];
}

/**
 * The Service status writes that bring the cluster in line, as a load-balancer provider makes them: our
 * LoadBalancer Services carry exactly the edge hostname while served, and lose it when not; a Service that
 * stopped being a LoadBalancer loses our entry (Kubernetes drops its class with the type, and leaves the status
 * to the provider). LoadBalancer Services of another class, or none, are never touched. Pure.
 */
export function planServiceStatus(services: readonly ServiceWithStatus[], served: ReadonlySet<string>, hostname: string): ServiceStatusChange[] {
  const changes: ServiceStatusChange[] = [];
  for (const service of services) {
    const name = service.metadata?.name;
    if (name === undefined) continue;
    const ours = isEdgeLoadBalancer(service);
    if (!ours && service.spec?.type === "LoadBalancer") continue;
    const current = service.status?.loadBalancer?.ingress ?? [];
    const wanted = ours && served.has(namespacedKey(service.metadata))
      ? [{ hostname }]
      : current.filter((entry) => entry.hostname !== hostname);
    if (JSON.stringify(wanted) === JSON.stringify(current)) continue;
    changes.push({
      namespace: namespaceOf(service.metadata),
      name,
      resourceVersion: service.metadata?.resourceVersion,
      status: { ...service.status, loadBalancer: wanted.length === 0 ? {} : { ingress: wanted } },
      entries: wanted,
    });
  }
  return changes;
}
