export const CONTROLLER_NAME = "edge-ingress.dev/controller";
/** ingress-nginx's controller name: its IngressClass objects are accepted for a class we are told to serve. */
export const NGINX_CONTROLLER_NAME = "k8s.io/ingress-nginx";
export const DEFAULT_INGRESS_CLASS = "edge";

/**
 * Which Node address the agent's health checks probe. `internal`: the InternalIP (else the table's address), which
 * an agent in the cluster reaches pod-to-node whatever firewall or NAT stands in front of the public addresses.
 * `external`: the address the table gives the edge (ExternalIP, or InternalIP under `--allow-internal-ip`).
 */
export type ProbeAddress = "internal" | "external";

export const PROBE_ADDRESSES: readonly ProbeAddress[] = ["internal", "external"];

/** kube-proxy's `--healthz-bind-address` port: where it answers `GET /healthz` for its Node. */
export const DEFAULT_KUBE_PROXY_HEALTH_PORT = 10256;

export interface CompileOptions {
  /** The IngressClass name, or names, we serve (`--ingress-class`, repeatable or comma-separated). */
  readonly ingressClass: string | readonly string[];
  /** When set, targets get `hostname: <node-name>.<nodeDomain>` (`--node-domain`). */
  readonly nodeDomain?: string;
  /** Use a Node's InternalIP when it has no ExternalIP (`--allow-internal-ip`). */
  readonly allowInternalIp: boolean;
  /** Which address health checks probe (`--probe-address`); absent: `internal`. */
  readonly probeAddress?: ProbeAddress;
  /**
   * kube-proxy's health port (`--kube-proxy-health-port`): a Cluster-policy backend without a check of its own is
   * checked by one `GET /healthz` there per Node, shared by every such backend. Null: the cluster runs no kube-proxy
   * (e.g. Cilium's replacement), so each such backend gets a TCP check of its nodePort on every Node instead.
   * Absent: {@link DEFAULT_KUBE_PROXY_HEALTH_PORT}.
   */
  readonly kubeProxyHealthPort?: number | null;
  /** Health-check keys (see `healthCheckKey`, made with the probed address) of targets that failed their checks. */
  readonly unhealthy?: ReadonlySet<string>;
  /** Node name → why: Nodes left out of the table for now (their DNS record is not in place yet), each a problem. */
  readonly withheldNodes?: ReadonlyMap<string, string>;
}

export const defaultCompileOptions: CompileOptions = {
  ingressClass: DEFAULT_INGRESS_CLASS,
  allowInternalIp: false,
};

/** The served class names, as a list whether one or several were given. */
export function ingressClassesOf(options: Pick<CompileOptions, "ingressClass">): readonly string[] {
  return typeof options.ingressClass === "string" ? [options.ingressClass] : options.ingressClass;
}
