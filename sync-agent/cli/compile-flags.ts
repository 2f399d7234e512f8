import { type CompileOptions, DEFAULT_INGRESS_CLASS } from "../../core/compile/compile-options.ts";

/** Flags shared by every command that compiles a table, in `node:util` parseArgs form. */
export const compileFlagSpec = {
  manifests: { type: "string" },
  kubeconfig: { type: "string" },
  "ingress-class": { type: "string", multiple: true },
  "node-domain": { type: "string" },
  "allow-internal-ip": { type: "boolean", default: false },
} as const;

export interface CompileFlags {
  readonly manifests?: string;
  readonly kubeconfig?: string;
  /** Repeatable, each maybe comma-separated. */
  readonly "ingress-class"?: string | readonly string[];
  readonly "node-domain"?: string;
  readonly "allow-internal-ip"?: boolean;
}

export type ClusterSource = { readonly kind: "manifests"; readonly dir: string } | { readonly kind: "kubeconfig"; readonly path: string };

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/**
 * `--ingress-class` given any number of times, each value maybe a comma-separated list (so `EDGE_INGRESS_CLASS`
 * can name several too); the flag wins over the variable; `edge` when neither is given. Duplicates are dropped.
 */
function readIngressClasses(flag: string | readonly string[] | undefined, env: string | undefined, problems: string[]): string | readonly string[] {
  const given = flag === undefined ? (env === undefined ? [] : [env]) : typeof flag === "string" ? [flag] : flag;
  const names = [...new Set(given.flatMap((value) => value.split(",")).map((name) => name.trim()))];
  if (names.length === 0) return DEFAULT_INGRESS_CLASS;
  for (const name of names) {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) problems.push(`--ingress-class "${name}" is not a valid IngressClass name`);
  }
  return names.length === 1 && names[0] !== undefined ? names[0] : names;
}

/** Reads the shared flags, pushing every problem into `problems` rather than stopping at the first. */
export function readCompileFlags(flags: CompileFlags, env: NodeJS.ProcessEnv, problems: string[]): { source: ClusterSource | null; options: CompileOptions } {
  const manifests = flags.manifests ?? env.EDGE_MANIFESTS;
  const kubeconfig = flags.kubeconfig ?? env.EDGE_KUBECONFIG;
  let source: ClusterSource | null = null;
  if (manifests !== undefined && kubeconfig !== undefined) problems.push("--manifests and --kubeconfig exclude each other: give one");
  else if (manifests !== undefined) source = { kind: "manifests", dir: manifests };
  else if (kubeconfig !== undefined) source = { kind: "kubeconfig", path: kubeconfig };

  const ingressClass = readIngressClasses(flags["ingress-class"], env.EDGE_INGRESS_CLASS, problems);

  const nodeDomain = (flags["node-domain"] ?? env.EDGE_NODE_DOMAIN)?.replace(/\.$/, "").toLowerCase();
  if (nodeDomain !== undefined && !DNS_NAME.test(nodeDomain)) problems.push(`--node-domain "${nodeDomain}" is not a DNS domain name`);

  const allowInternalIp = flags["allow-internal-ip"] === true || env.EDGE_ALLOW_INTERNAL_IP === "true";
  return {
    source,
    options: { ingressClass, allowInternalIp, ...(nodeDomain === undefined ? {} : { nodeDomain }) },
  };
}
