import type { GatewayObjects } from "./gateway/gateway-objects.ts";

/**
 * The parts of Kubernetes objects the compiler reads. Structural, so that plain JSON from manifests and the
 * objects @kubernetes/client-node deserialises (timestamps as Date) both fit.
 */
export type Timestamp = string | Date;

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly creationTimestamp?: Timestamp;
  readonly deletionTimestamp?: Timestamp;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly uid?: string;
}

export interface IngressServiceBackend {
  readonly name?: string;
  readonly port?: { readonly number?: number; readonly name?: string };
}

export interface IngressBackend {
  readonly service?: IngressServiceBackend;
  readonly resource?: { readonly kind?: string; readonly name?: string; readonly apiGroup?: string };
}

export interface IngressPath {
  readonly path?: string;
  readonly pathType?: string;
  readonly backend?: IngressBackend;
}

export interface IngressRule {
  readonly host?: string;
  readonly http?: { readonly paths?: readonly IngressPath[] };
}

export interface Ingress {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly ingressClassName?: string;
    readonly defaultBackend?: IngressBackend;
    readonly rules?: readonly IngressRule[];
    readonly tls?: readonly { readonly hosts?: readonly string[]; readonly secretName?: string }[];
  };
}

export interface IngressClass {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly controller?: string };
}

export interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly nodePort?: number;
  readonly protocol?: string;
  /** The application protocol (an IANA service name or a `kubernetes.io/` one): says whether the port speaks TLS. */
  readonly appProtocol?: string;
}

export interface Service {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly type?: string;
    readonly ports?: readonly ServicePort[];
    readonly externalTrafficPolicy?: string;
    readonly healthCheckNodePort?: number;
    readonly sessionAffinity?: string;
    readonly sessionAffinityConfig?: { readonly clientIP?: { readonly timeoutSeconds?: number } };
    /** Which load-balancer implementation serves a `LoadBalancer` Service; ours is `edge-ingress.dev/edge`. */
    readonly loadBalancerClass?: string;
    /** `false`: a LoadBalancer Service without nodePorts (unless given), which the edge cannot reach. */
    readonly allocateLoadBalancerNodePorts?: boolean;
  };
}

export interface EndpointSlice {
  readonly metadata?: ObjectMeta;
  readonly ports?: readonly { readonly name?: string; readonly port?: number }[] | null;
  readonly endpoints?: readonly {
    readonly nodeName?: string;
    readonly conditions?: { readonly ready?: boolean; readonly serving?: boolean; readonly terminating?: boolean };
  }[];
}

export interface Node {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly unschedulable?: boolean };
  readonly status?: {
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
    readonly addresses?: readonly { readonly type?: string; readonly address?: string }[];
  };
}

/** A snapshot of everything the compiler looks at (Gateway API kinds only where they are installed). */
export interface ClusterState extends GatewayObjects {
  readonly ingresses: readonly Ingress[];
  readonly ingressClasses: readonly IngressClass[];
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly nodes: readonly Node[];
}

/** `namespace/name`; a namespaced object without a namespace is in `default`, as kubectl would put it. */
export function namespacedKey(meta: ObjectMeta | undefined): string {
  return `${namespaceOf(meta)}/${meta?.name ?? "(unnamed)"}`;
}

export function namespaceOf(meta: ObjectMeta | undefined): string {
  return meta?.namespace === undefined || meta.namespace === "" ? "default" : meta.namespace;
}

/** Milliseconds since the epoch, or +Infinity when absent or unreadable (so such objects count as newest). */
export function timestampMillis(value: Timestamp | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  const millis = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(millis) ? Number.POSITIVE_INFINITY : millis;
}
