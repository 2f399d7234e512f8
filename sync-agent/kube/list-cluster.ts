import { CoreV1Api, DiscoveryV1Api, KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import type { ClusterState } from "../../core/compile/cluster-objects.ts";

/** Lists, once, every object the compiler reads. For `compile`/`explain` against a live cluster. */
export async function listCluster(kubeconfigPath: string): Promise<ClusterState> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const networking = config.makeApiClient(NetworkingV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const discovery = config.makeApiClient(DiscoveryV1Api);
  const [ingresses, ingressClasses, services, endpointSlices, nodes] = await Promise.all([
    networking.listIngressForAllNamespaces(),
    networking.listIngressClass(),
    core.listServiceForAllNamespaces(),
    discovery.listEndpointSliceForAllNamespaces(),
    core.listNode(),
  ]);
  return {
    ingresses: ingresses.items,
    ingressClasses: ingressClasses.items,
    services: services.items,
    endpointSlices: endpointSlices.items,
    nodes: nodes.items,
  };
}
