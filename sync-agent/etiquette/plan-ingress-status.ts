import { type Ingress, namespacedKey, namespaceOf } from "../../core/compile/cluster-objects.ts";

export interface LoadBalancerIngress {
  readonly hostname?: string;
  readonly ip?: string;
  readonly [field: string]: unknown;
}

export interface IngressWithStatus extends Ingress {
  readonly metadata?: Ingress["metadata"] & { readonly resourceVersion?: string };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly LoadBalancerIngress[] | null } | null } | null;
}

export interface StatusChange {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string | undefined;
  /** The new `status.loadBalancer.ingress`; empty = remove the field. */
  readonly entries: readonly LoadBalancerIngress[];
}

/**
 * The Ingress status writes that bring the cluster in line: served Ingresses carry exactly the edge hostname;
 * Ingresses we no longer serve lose our entry (and keep anyone else's). Nothing for those already right. Pure.
 */
export function planIngressStatus(ingresses: readonly IngressWithStatus[], served: ReadonlySet<string>, hostname: string): StatusChange[] {
  const changes: StatusChange[] = [];
  for (const ingress of ingresses) {
    const name = ingress.metadata?.name;
    if (name === undefined) continue;
    const current = ingress.status?.loadBalancer?.ingress ?? [];
    const wanted = served.has(namespacedKey(ingress.metadata))
      ? [{ hostname }]
      : current.filter((entry) => entry.hostname !== hostname);
    if (JSON.stringify(wanted) === JSON.stringify(current)) continue;
    changes.push({ namespace: namespaceOf(ingress.metadata), name, resourceVersion: ingress.metadata?.resourceVersion, entries: wanted });
  }
  return changes;
}
