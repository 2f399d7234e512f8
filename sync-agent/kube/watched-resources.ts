import { CoreV1Api, DiscoveryV1Api, type KubeConfig, type KubernetesListObject, type KubernetesObject, NetworkingV1Api } from "@kubernetes/client-node";
import type { ClusterState } from "../../core/compile/cluster-objects.ts";

/** One kind the agent watches: where it lives in the API and how to list it (all namespaces). */
export interface WatchedResource {
  readonly field: keyof ClusterState;
  readonly path: string;
  readonly list: () => Promise<KubernetesListObject<KubernetesObject>>;
}

/**
 * The core kinds the compiler reads (the Gateway API kinds, CRDs, are watched once installed: gateway-api-informers.ts).
 * Keep deploy/cluster-role.yaml in step: it grants list and watch on exactly these.
 */
export function watchedResources(config: KubeConfig): WatchedResource[] {
  const networking = config.makeApiClient(NetworkingV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const discovery = config.makeApiClient(DiscoveryV1Api);
  return [
    { field: "ingresses", path: "/apis/networking.k8s.io/v1/ingresses", list: () => networking.listIngressForAllNamespaces() },
    { field: "ingressClasses", path: "/apis/networking.k8s.io/v1/ingressclasses", list: () => networking.listIngressClass() },
    { field: "services", path: "/api/v1/services", list: () => core.listServiceForAllNamespaces() },
    { field: "endpointSlices", path: "/apis/discovery.k8s.io/v1/endpointslices", list: () => discovery.listEndpointSliceForAllNamespaces() },
    { field: "nodes", path: "/api/v1/nodes", list: () => core.listNode() },
    // Their labels: which namespaces a Gateway listener's allowedRoutes selector lets routes come from.
    { field: "namespaces", path: "/api/v1/namespaces", list: () => core.listNamespace() },
  ];
}
