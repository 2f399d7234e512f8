import type { ClusterState } from "../../core/compile/cluster-objects.ts";

/** A cluster of `ingresses` Ingresses (two paths each, one Service each) over `nodes` Ready Nodes. */
export function generateCluster(ingresses: number, nodes: number): ClusterState {
  const created = "2026-01-01T00:00:00Z";
  return {
    ingressClasses: [{ metadata: { name: "edge" }, spec: { controller: "edge-ingress.dev/controller" } }],
    nodes: Array.from({ length: nodes }, (_, i) => ({
      metadata: { name: `node-${i}` },
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        addresses: [{ type: "ExternalIP", address: `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}` }],
      },
    })),
    services: Array.from({ length: ingresses }, (_, i) => ({
      metadata: { namespace: `team${i % 100}`, name: `app${i}` },
      spec: { type: "NodePort", ports: [{ name: "http", port: 80, nodePort: 30000 + (i % 2768) }] },
    })),
    endpointSlices: Array.from({ length: ingresses }, (_, i) => ({
      metadata: { namespace: `team${i % 100}`, name: `app${i}-x`, labels: { "kubernetes.io/service-name": `app${i}` } },
      ports: [{ name: "http", port: 8080 }],
      endpoints: [{ nodeName: `node-${i % nodes}`, conditions: { ready: true } }],
    })),
    ingresses: Array.from({ length: ingresses }, (_, i) => ({
      metadata: { namespace: `team${i % 100}`, name: `app${i}`, creationTimestamp: created },
      spec: {
        ingressClassName: "edge",
        rules: [{
          host: `app${i}.example.com`,
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: `app${i}`, port: { name: "http" } } } },
              { path: "/api/v1", pathType: "Prefix", backend: { service: { name: `app${i}`, port: { number: 80 } } } },
            ],
          },
        }],
      },
    })),
  };
}
