/** What the compiler decides about each Gateway API object, as status conditions (written by the agent). */
export interface Condition {
  readonly type: string;
  readonly status: "True" | "False";
  readonly reason: string;
  readonly message: string;
}

export interface GatewayClassVerdict {
  readonly name: string;
  readonly generation: number;
  readonly conditions: readonly Condition[];
}

export interface ListenerVerdict {
  readonly name: string;
  readonly supportedKinds: readonly { readonly group: string; readonly kind: string }[];
  readonly attachedRoutes: number;
  readonly conditions: readonly Condition[];
}

export interface GatewayVerdict {
  /** `namespace/name`. */
  readonly key: string;
  readonly generation: number;
  readonly conditions: readonly Condition[];
  readonly listeners: readonly ListenerVerdict[];
}

export interface RouteParentVerdict {
  /** The parentRef as the route wrote it, with its defaults filled in (group, kind, namespace). */
  readonly parentRef: { readonly group: string; readonly kind: string; readonly namespace: string; readonly name: string; readonly sectionName?: string; readonly port?: number };
  readonly conditions: readonly Condition[];
}

export interface RouteVerdict {
  readonly key: string;
  readonly generation: number;
  readonly parents: readonly RouteParentVerdict[];
}

export interface GatewayVerdicts {
  readonly classes: readonly GatewayClassVerdict[];
  readonly gateways: readonly GatewayVerdict[];
  readonly routes: readonly RouteVerdict[];
  /**
   * The kubernetes.io/tls Secrets (`namespace/name`) the served HTTPS listeners name, with the listener hostnames
   * each covers (none for a listener without one): the edge's certificates, as an Ingress's spec.tls names them.
   */
  readonly certificates: readonly { readonly secret: string; readonly hosts: readonly string[] }[];
}

export function condition(type: string, ok: boolean, reason: string, message: string): Condition {
  return { type, status: ok ? "True" : "False", reason, message };
}
