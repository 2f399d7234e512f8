/** The API resources the fake serves: the ones the agent reads and the ones it writes. */
export interface ResourceType {
  /** `""` for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower case, as in URLs and RBAC rules. */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Subresources that accept get/update/patch (only `status` here). */
  readonly subresources: readonly string[];
  /** Fields besides metadata.name and metadata.namespace that a field selector may name (Secrets: `type`). */
  readonly fieldLabels?: readonly string[];
  /** Served only once the Gateway API CRDs are installed (`FakeKubeApi.installGatewayApi`). */
  readonly gatewayApi?: true;
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: "networking.k8s.io", version: "v1", resource: "ingresses", kind: "Ingress", namespaced: true, subresources: ["status"] },
  { group: "networking.k8s.io", version: "v1", resource: "ingressclasses", kind: "IngressClass", namespaced: false, subresources: [] },
  { group: "", version: "v1", resource: "services", kind: "Service", namespaced: true, subresources: ["status"] },
  { group: "discovery.k8s.io", version: "v1", resource: "endpointslices", kind: "EndpointSlice", namespaced: true, subresources: [] },
  { group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false, subresources: ["status"] },
  { group: "", version: "v1", resource: "secrets", kind: "Secret", namespaced: true, subresources: [], fieldLabels: ["type"] },
  { group: "", version: "v1", resource: "events", kind: "Event", namespaced: true, subresources: [] },
  { group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true, subresources: [] },
  { group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false, subresources: [] },
  { group: "gateway.networking.k8s.io", version: "v1", resource: "gatewayclasses", kind: "GatewayClass", namespaced: false, subresources: ["status"], gatewayApi: true },
  { group: "gateway.networking.k8s.io", version: "v1", resource: "gateways", kind: "Gateway", namespaced: true, subresources: ["status"], gatewayApi: true },
  { group: "gateway.networking.k8s.io", version: "v1", resource: "httproutes", kind: "HTTPRoute", namespaced: true, subresources: ["status"], gatewayApi: true },
  { group: "gateway.networking.k8s.io", version: "v1beta1", resource: "referencegrants", kind: "ReferenceGrant", namespaced: true, subresources: [], gatewayApi: true },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

export function resourceTypeOfKind(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind);
  if (type === undefined) throw new Error(`fake-kube-api: unknown kind ${kind}`);
  return type;
}
