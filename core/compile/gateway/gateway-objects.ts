import type { ObjectMeta } from "../cluster-objects.ts";

/**
 * The parts of Gateway API (gateway.networking.k8s.io/v1, ReferenceGrant v1beta1) objects the compiler reads.
 * Structural, as cluster-objects.ts: plain manifests and the client's objects both fit.
 */
export const GATEWAY_GROUP = "gateway.networking.k8s.io";
/** The controller a GatewayClass names for the edge to serve its Gateways. */
export const EDGE_CONTROLLER = "edge-ingress.dev/controller";

export interface KubeMeta extends ObjectMeta {
  readonly generation?: number;
}

export interface GatewayClass {
  readonly metadata?: KubeMeta;
  readonly spec?: { readonly controllerName?: string };
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key?: string; readonly operator?: string; readonly values?: readonly string[] }[];
}

export interface SecretObjectReference {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface Listener {
  readonly name?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly protocol?: string;
  readonly tls?: { readonly mode?: string; readonly certificateRefs?: readonly SecretObjectReference[] };
  readonly allowedRoutes?: {
    readonly namespaces?: { readonly from?: string; readonly selector?: LabelSelector };
    readonly kinds?: readonly { readonly group?: string; readonly kind?: string }[];
  };
}

export interface Gateway {
  readonly metadata?: KubeMeta;
  readonly spec?: { readonly gatewayClassName?: string; readonly listeners?: readonly Listener[] };
}

export interface ParentReference {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly sectionName?: string;
  readonly port?: number;
}

export interface HeaderMatch {
  readonly type?: string;
  readonly name?: string;
  readonly value?: string;
}

export interface RouteMatch {
  readonly path?: { readonly type?: string; readonly value?: string };
  readonly headers?: readonly HeaderMatch[];
  readonly queryParams?: readonly HeaderMatch[];
  readonly method?: string;
}

export interface HeaderModifier {
  readonly set?: readonly { readonly name?: string; readonly value?: string }[];
  readonly add?: readonly { readonly name?: string; readonly value?: string }[];
  readonly remove?: readonly string[];
}

export interface PathModifier {
  readonly type?: string;
  readonly replaceFullPath?: string;
  readonly replacePrefixMatch?: string;
}

export interface RouteFilter {
  readonly type?: string;
  readonly requestHeaderModifier?: HeaderModifier;
  readonly responseHeaderModifier?: HeaderModifier;
  readonly requestRedirect?: { readonly scheme?: string; readonly hostname?: string; readonly path?: PathModifier; readonly port?: number; readonly statusCode?: number };
  readonly urlRewrite?: { readonly hostname?: string; readonly path?: PathModifier };
}

export interface BackendRef {
  readonly group?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly weight?: number;
  readonly filters?: readonly RouteFilter[];
}

export interface RouteRule {
  readonly name?: string;
  readonly matches?: readonly RouteMatch[];
  readonly filters?: readonly RouteFilter[];
  readonly backendRefs?: readonly BackendRef[];
  /** Read only to report them: the edge applies neither. */
  readonly timeouts?: unknown;
  readonly retry?: unknown;
  readonly sessionPersistence?: SessionPersistence;
}

/** Both spellings: v1.1–v1.3 (`sessionName`, `idleTimeout`, `cookieConfig`) and later (`cookie`, `header`). */
export interface SessionPersistence {
  readonly type?: string;
  readonly sessionName?: string;
  readonly absoluteTimeout?: string;
  readonly idleTimeout?: string;
  readonly cookieConfig?: { readonly lifetimeType?: string };
  readonly cookie?: { readonly name?: string; readonly path?: string; readonly lifetimeType?: string };
  readonly header?: { readonly name?: string };
}

export interface HTTPRoute {
  readonly metadata?: KubeMeta;
  readonly spec?: {
    readonly parentRefs?: readonly ParentReference[];
    readonly hostnames?: readonly string[];
    readonly rules?: readonly RouteRule[];
  };
}

export interface ReferenceGrant {
  readonly metadata?: KubeMeta;
  readonly spec?: {
    readonly from?: readonly { readonly group?: string; readonly kind?: string; readonly namespace?: string }[];
    readonly to?: readonly { readonly group?: string; readonly kind?: string; readonly name?: string }[];
  };
}

export interface Namespace {
  readonly metadata?: KubeMeta;
}

/** The Gateway API objects of a cluster snapshot; every list absent when its kind is not installed. */
export interface GatewayObjects {
  readonly gatewayClasses?: readonly GatewayClass[];
  readonly gateways?: readonly Gateway[];
  readonly httpRoutes?: readonly HTTPRoute[];
  readonly referenceGrants?: readonly ReferenceGrant[];
  readonly namespaces?: readonly Namespace[];
}
