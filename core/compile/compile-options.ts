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

export interface CompileOptions {
  /** The IngressClass name, or names, we serve (`--ingress-class`, repeatable or comma-separated). */
  readonly ingressClass: string | readonly string[];
  /** When set, targets get `hostname: <node-name>.<nodeDomain>` (`--node-domain`). */
  readonly nodeDomain?: string;
  /** Use a Node's InternalIP when it has no ExternalIP (`--allow-internal-ip`). */
  readonly allowInternalIp: boolean;
  /** Which address health checks probe (`--probe-address`); absent: `internal`. */
  readonly probeAddress?: ProbeAddress;
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
