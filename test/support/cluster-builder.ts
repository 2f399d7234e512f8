import type { ClusterState, EndpointSlice, Ingress, IngressClass, Node, Service } from "../../core/compile/cluster-objects.ts";

/** Terse builders for the Kubernetes objects tests feed the compiler. Plain data, as manifests would give. */

/** `address` is the ExternalIP (the InternalIP with `internal`); `internalAddress` adds an InternalIP beside it. */
export function node(
  name: string,
  address: string,
  options: { ready?: boolean; internal?: boolean; internalAddress?: string; labels?: Record<string, string>; deleting?: boolean } = {},
): Node {
  return {
    metadata: {
      name,
      ...(options.labels === undefined ? {} : { labels: options.labels }),
      ...(options.deleting === true ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    status: {
      conditions: [{ type: "Ready", status: options.ready === false ? "False" : "True" }],
      addresses: [
        ...(options.internalAddress === undefined ? [] : [{ type: "InternalIP", address: options.internalAddress }]),
        { type: options.internal === true ? "InternalIP" : "ExternalIP", address },
      ],
    },
  };
}

export function edgeClass(options: { controller?: string; isDefault?: boolean; name?: string } = {}): IngressClass {
  return {
    metadata: {
      name: options.name ?? "edge",
      ...(options.isDefault === true ? { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } } : {}),
    },
    spec: { controller: options.controller ?? "edge-ingress.dev/controller" },
  };
}

export function service(
  key: string,
  ports: { name?: string; port: number; nodePort?: number; appProtocol?: string }[],
  spec: { type?: string; externalTrafficPolicy?: string; healthCheckNodePort?: number; sessionAffinity?: string; timeoutSeconds?: number } = {},
): Service {
  const [namespace, name] = splitKey(key);
  return {
    metadata: { namespace, name },
    spec: {
      type: spec.type ?? "NodePort",
      ports,
      ...(spec.externalTrafficPolicy === undefined ? {} : { externalTrafficPolicy: spec.externalTrafficPolicy }),
      ...(spec.healthCheckNodePort === undefined ? {} : { healthCheckNodePort: spec.healthCheckNodePort }),
      ...(spec.sessionAffinity === undefined ? {} : { sessionAffinity: spec.sessionAffinity }),
      ...(spec.timeoutSeconds === undefined ? {} : { sessionAffinityConfig: { clientIP: { timeoutSeconds: spec.timeoutSeconds } } }),
    },
  };
}

/**
 * A `type: LoadBalancer` Service of the edge's class (`loadBalancerClass: null` for none, or another class),
 * served on `hostnames` (the annotation, comma-separated; absent: none).
 */
export function loadBalancer(
  key: string,
  ports: { name?: string; port: number; nodePort?: number; protocol?: string; appProtocol?: string }[],
  options: {
    hostnames?: string;
    annotations?: Record<string, string>;
    loadBalancerClass?: string | null;
    allocateNodePorts?: boolean;
    created?: string;
    sessionAffinity?: string;
  } = {},
): Service {
  const [namespace, name] = splitKey(key);
  const annotations = { ...(options.hostnames === undefined ? {} : { "edge-ingress.dev/hostnames": options.hostnames }), ...options.annotations };
  const loadBalancerClass = options.loadBalancerClass === undefined ? "edge-ingress.dev/edge" : options.loadBalancerClass;
  return {
    metadata: {
      namespace,
      name,
      creationTimestamp: options.created ?? "2026-01-01T00:00:00Z",
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
    spec: {
      type: "LoadBalancer",
      ports,
      ...(loadBalancerClass === null ? {} : { loadBalancerClass }),
      ...(options.allocateNodePorts === undefined ? {} : { allocateLoadBalancerNodePorts: options.allocateNodePorts }),
      ...(options.sessionAffinity === undefined ? {} : { sessionAffinity: options.sessionAffinity }),
    },
  };
}

export function slice(serviceKey: string, endpoints: { node: string; ready?: boolean }[], portNames: string[] = [""]): EndpointSlice {
  const [namespace, name] = splitKey(serviceKey);
  return {
    metadata: { namespace, name: `${name}-${Math.abs(hashOf(JSON.stringify(endpoints)))}`, labels: { "kubernetes.io/service-name": name } },
    ports: portNames.map((portName) => (portName === "" ? { port: 8080 } : { name: portName, port: 8080 })),
    endpoints: endpoints.map((e) => ({ nodeName: e.node, conditions: { ready: e.ready ?? true } })),
  };
}

export interface PathSpec {
  host?: string;
  path?: string;
  pathType?: string;
  service: string;
  port: number | string;
}

export function ingress(
  key: string,
  paths: PathSpec[],
  options: {
    className?: string | null;
    legacyClass?: string;
    created?: string;
    annotations?: Record<string, string>;
    tls?: string[];
    defaultBackend?: { service: string; port: number | string };
  } = {},
): Ingress {
  const [namespace, name] = splitKey(key);
  const byHost = new Map<string, PathSpec[]>();
  for (const p of paths) byHost.set(p.host ?? "", [...(byHost.get(p.host ?? "") ?? []), p]);
  const annotations = { ...options.annotations, ...(options.legacyClass === undefined ? {} : { "kubernetes.io/ingress.class": options.legacyClass }) };
  return {
    metadata: {
      namespace,
      name,
      creationTimestamp: options.created ?? "2026-01-01T00:00:00Z",
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
    spec: {
      ...(options.className === null ? {} : { ingressClassName: options.className ?? "edge" }),
      ...(options.defaultBackend === undefined ? {} : { defaultBackend: backendRef(options.defaultBackend.service, options.defaultBackend.port) }),
      ...(options.tls === undefined ? {} : { tls: [{ hosts: options.tls, secretName: "tls" }] }),
      rules: [...byHost].map(([host, specs]) => ({
        ...(host === "" ? {} : { host }),
        http: {
          paths: specs.map((p) => ({
            path: p.path ?? "/",
            ...(p.pathType === "" ? {} : { pathType: p.pathType ?? "Prefix" }),
            backend: backendRef(p.service, p.port),
          })),
        },
      })),
    },
  };
}

function backendRef(serviceName: string, port: number | string) {
  return { service: { name: serviceName, port: typeof port === "number" ? { number: port } : { name: port } } };
}

export function cluster(parts: Partial<ClusterState>): ClusterState {
  return {
    ingresses: parts.ingresses ?? [],
    ingressClasses: parts.ingressClasses ?? [edgeClass()],
    services: parts.services ?? [],
    endpointSlices: parts.endpointSlices ?? [],
    nodes: parts.nodes ?? [node("node-a", "127.0.0.2"), node("node-b", "127.0.0.3"), node("node-c", "127.0.0.4")],
  };
}

function splitKey(key: string): [string, string] {
  const [namespace, name] = key.includes("/") ? key.split("/") : ["default", key];
  return [namespace ?? "default", name ?? key];
}

function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}
