import { edgeClass, ingress, loadBalancer, node, service, slice } from "../../support/cluster-builder.ts";

/** The cluster builders' objects with apiVersion and kind, ready to apply to the fake API server. */
export const kubeNode = (...args: Parameters<typeof node>) => ({ apiVersion: "v1", kind: "Node", ...node(...args) });
export const kubeService = (...args: Parameters<typeof service>) => ({ apiVersion: "v1", kind: "Service", ...service(...args) });
export const kubeLoadBalancer = (...args: Parameters<typeof loadBalancer>) => ({ apiVersion: "v1", kind: "Service", ...loadBalancer(...args) });
export const kubeSlice = (...args: Parameters<typeof slice>) => ({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", addressType: "IPv4", ...slice(...args) });
export const kubeIngress = (...args: Parameters<typeof ingress>) => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", ...ingress(...args) });
export const kubeEdgeClass = (...args: Parameters<typeof edgeClass>) => ({ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", ...edgeClass(...args) });

/** An EndpointSlice with a fixed name, so that a test can update it in place. */
export function kubeNamedSlice(name: string, ...args: Parameters<typeof slice>) {
  const object = kubeSlice(...args);
  return { ...object, metadata: { ...object.metadata, name } };
}
