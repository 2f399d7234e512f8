export const CONTROLLER_NAME = "edge-ingress.dev/controller";
export const DEFAULT_INGRESS_CLASS = "edge";

export interface CompileOptions {
  /** The IngressClass name we serve (`--ingress-class`). */
  readonly ingressClass: string;
  /** When set, targets get `hostname: <node-name>.<nodeDomain>` (`--node-domain`). */
  readonly nodeDomain?: string;
  /** Use a Node's InternalIP when it has no ExternalIP (`--allow-internal-ip`). */
  readonly allowInternalIp: boolean;
  /** Health-check keys (see `healthCheckKey`) of targets that failed their checks. */
  readonly unhealthy?: ReadonlySet<string>;
  /** Node name → why: Nodes left out of the table for now (their DNS record is not in place yet), each a problem. */
  readonly withheldNodes?: ReadonlyMap<string, string>;
}

export const defaultCompileOptions: CompileOptions = {
  ingressClass: DEFAULT_INGRESS_CLASS,
  allowInternalIp: false,
};
