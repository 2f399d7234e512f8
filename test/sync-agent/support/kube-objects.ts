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

/** The edge's GatewayClass, a Gateway with one HTTP listener on port 80, and an HTTPRoute onto a Service port. */
export const kubeGatewayClass = (name = "edge") => ({
  apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name, generation: 1 }, spec: { controllerName: "edge-ingress.dev/controller" },
});
export const kubeGateway = (key: string, className = "edge") => {
  const [namespace, name] = key.split("/");
  return {
    apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { namespace, name, generation: 1 },
    spec: { gatewayClassName: className, listeners: [{ name: "http", port: 80, protocol: "HTTP" }] },
  };
};
export const kubeHttpRoute = (key: string, gateway: string, rule: { host: string; path: string; service: string; port: number }, generation = 1) => {
  const [namespace, name] = key.split("/");
  return {
    apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { namespace, name, generation },
    spec: {
      parentRefs: [{ name: gateway }],
      hostnames: [rule.host],
      rules: [{ matches: [{ path: { type: "PathPrefix", value: rule.path } }], backendRefs: [{ name: rule.service, port: rule.port }] }],
    },
  };
};
