import { parseAllDocuments } from "yaml";
import type { ClusterState } from "../../../core/compile/cluster-objects.ts";
import { cluster, node, service, slice } from "../cluster-builder.ts";

/**
 * The Gateway API conformance suite's base (conformance/base/manifests.yaml, kubernetes-sigs/gateway-api) as the
 * edge serves it: its GatewayClass is `edge`, its Gateways and Namespaces as written, and its backend Services as
 * NodePort Services onto the test's echo backends (the suite's Deployments are Pods the edge never sees).
 */
export const BASE_MANIFESTS = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: edge, generation: 1 }
spec: { controllerName: edge-ingress.dev/controller }
---
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-infra, labels: { gateway-conformance: infra } }
---
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-app-backend, labels: { gateway-conformance: backend } }
---
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-web-backend, labels: { gateway-conformance: backend } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace, namespace: gateway-conformance-infra, generation: 1 }
spec:
  gatewayClassName: "{GATEWAY_CLASS_NAME}"
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: Same
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace-with-https-listener, namespace: gateway-conformance-infra, generation: 1 }
spec:
  gatewayClassName: "{GATEWAY_CLASS_NAME}"
  listeners:
    - name: https
      port: 443
      protocol: HTTPS
      allowedRoutes:
        namespaces:
          from: Same
      tls:
        certificateRefs:
          - group: ""
            kind: Secret
            name: tls-validity-checks-certificate
            namespace: gateway-conformance-infra
    - name: https-with-hostname
      port: 443
      hostname: second-example.org
      protocol: HTTPS
      allowedRoutes:
        namespaces:
          from: Same
      tls:
        certificateRefs:
          - group: ""
            kind: Secret
            name: tls-validity-checks-certificate
            namespace: gateway-conformance-infra
    - name: https-with-wildcard-hostname
      port: 443
      hostname: "*.wildcard.org"
      protocol: HTTPS
      allowedRoutes:
        namespaces:
          from: Same
      tls:
        certificateRefs:
          - group: ""
            kind: Secret
            name: tls-validity-checks-certificate
            namespace: gateway-conformance-infra
    - name: https-with-hostname-matching-wildcard
      port: 443
      hostname: "fourth-example.wildcard.org"
      protocol: HTTPS
      allowedRoutes:
        namespaces:
          from: Same
      tls:
        certificateRefs:
          - group: ""
            kind: Secret
            name: tls-validity-checks-certificate
            namespace: gateway-conformance-infra
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: all-namespaces, namespace: gateway-conformance-infra, generation: 1 }
spec:
  gatewayClassName: "{GATEWAY_CLASS_NAME}"
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: All
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: backend-namespaces, namespace: gateway-conformance-infra, generation: 1 }
spec:
  gatewayClassName: "{GATEWAY_CLASS_NAME}"
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: Selector
          selector:
            matchLabels:
              gateway-conformance: backend
`;

/** Where the suite's backends are: the nodePort of an echo server on every Node, per Service. */
export interface ConformancePorts {
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  /** infra-backend-v1, -v2, -v3 (gateway-conformance-infra) and web-backend (gateway-conformance-web-backend). */
  readonly v1: number;
  readonly v2: number;
  readonly v3: number;
  readonly web: number;
  /** appProtocol of infra-backend-v3's port, when its echo server speaks HTTPS. */
  readonly v3AppProtocol?: string;
}

/** Objects of a manifest text, `{GATEWAY_CLASS_NAME}` as `edge`, and `creationTimestamp`s one second apart in order. */
export function parseConformanceManifests(text: string, firstCreated = Date.parse("2026-01-01T00:00:00Z")): Record<string, unknown>[] {
  return parseAllDocuments(text.replaceAll("{GATEWAY_CLASS_NAME}", "edge"))
    .map((doc) => doc.toJS() as Record<string, unknown> | null)
    .filter((object): object is Record<string, unknown> => object !== null)
    .map((object, i) => {
      const metadata = (object.metadata ?? {}) as Record<string, unknown>;
      return { ...object, metadata: { creationTimestamp: new Date(firstCreated + i * 1000).toISOString(), generation: 1, ...metadata } };
    });
}

/** The base cluster plus a conformance test's own manifests. */
export function conformanceCluster(testManifests: string, ports: ConformancePorts): ClusterState {
  const infra = (name: string, nodePort: number, appProtocol?: string) =>
    service(`gateway-conformance-infra/${name}`, [{ name: "first-port", port: 8080, nodePort, ...(appProtocol === undefined ? {} : { appProtocol }) }]);
  const everywhere = ports.nodes.map((n) => ({ node: n.name }));
  const base = cluster({
    nodes: ports.nodes.map((n) => node(n.name, n.address)),
    services: [
      infra("infra-backend-v1", ports.v1),
      infra("infra-backend-v2", ports.v2),
      infra("infra-backend-v3", ports.v3, ports.v3AppProtocol),
      service("gateway-conformance-web-backend/web-backend", [{ port: 8080, nodePort: ports.web }]),
      // The app-backend namespace's Services stand on the infra backends' echo servers.
      service("gateway-conformance-app-backend/app-backend-v1", [{ port: 8080, nodePort: ports.v1 }]),
      service("gateway-conformance-app-backend/app-backend-v2", [{ port: 8080, nodePort: ports.v2 }]),
    ],
    endpointSlices: [
      slice("gateway-conformance-infra/infra-backend-v1", everywhere, ["first-port"]),
      slice("gateway-conformance-infra/infra-backend-v2", everywhere, ["first-port"]),
      slice("gateway-conformance-infra/infra-backend-v3", everywhere, ["first-port"]),
      slice("gateway-conformance-web-backend/web-backend", everywhere),
      slice("gateway-conformance-app-backend/app-backend-v1", everywhere),
      slice("gateway-conformance-app-backend/app-backend-v2", everywhere),
    ],
  });
  const objects = parseConformanceManifests(`${BASE_MANIFESTS}\n---\n${testManifests}`);
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return {
    ...base,
    gatewayClasses: of("GatewayClass"),
    gateways: of("Gateway"),
    httpRoutes: of("HTTPRoute"),
    referenceGrants: of("ReferenceGrant"),
    namespaces: of("Namespace"),
  } as ClusterState;
}
