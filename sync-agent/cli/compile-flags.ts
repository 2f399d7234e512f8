import { type CompileOptions, DEFAULT_INGRESS_CLASS } from "../../core/compile/compile-options.ts";

/** Flags shared by every command that compiles a table, in `node:util` parseArgs form. */
export const compileFlagSpec = {
  manifests: { type: "string" },
  kubeconfig: { type: "string" },
  "ingress-class": { type: "string", default: DEFAULT_INGRESS_CLASS },
  "node-domain": { type: "string" },
  "allow-internal-ip": { type: "boolean", default: false },
} as const;

export interface CompileFlags {
  readonly manifests?: string;
  readonly kubeconfig?: string;
  readonly "ingress-class"?: string;
  readonly "node-domain"?: string;
  readonly "allow-internal-ip"?: boolean;
}

export type ClusterSource = { readonly kind: "manifests"; readonly dir: string } | { readonly kind: "kubeconfig"; readonly path: string };

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/** Reads the shared flags, pushing every problem into `problems` rather than stopping at the first. */
export function readCompileFlags(flags: CompileFlags, env: NodeJS.ProcessEnv, problems: string[]): { source: ClusterSource | null; options: CompileOptions } {
  const manifests = flags.manifests ?? env.EDGE_MANIFESTS;
  const kubeconfig = flags.kubeconfig ?? env.EDGE_KUBECONFIG;
  let source: ClusterSource | null = null;
  if (manifests !== undefined && kubeconfig !== undefined) problems.push("--manifests and --kubeconfig exclude each other: give one");
  else if (manifests !== undefined) source = { kind: "manifests", dir: manifests };
  else if (kubeconfig !== undefined) source = { kind: "kubeconfig", path: kubeconfig };

  const ingressClass = env.EDGE_INGRESS_CLASS !== undefined && flags["ingress-class"] === DEFAULT_INGRESS_CLASS
    ? env.EDGE_INGRESS_CLASS
    : flags["ingress-class"] ?? DEFAULT_INGRESS_CLASS;
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ingressClass)) problems.push(`--ingress-class "${ingressClass}" is not a valid IngressClass name`);

  const nodeDomain = (flags["node-domain"] ?? env.EDGE_NODE_DOMAIN)?.replace(/\.$/, "").toLowerCase();
  if (nodeDomain !== undefined && !DNS_NAME.test(nodeDomain)) problems.push(`--node-domain "${nodeDomain}" is not a DNS domain name`);

  const allowInternalIp = flags["allow-internal-ip"] === true || env.EDGE_ALLOW_INTERNAL_IP === "true";
  return {
    source,
    options: { ingressClass, allowInternalIp, ...(nodeDomain === undefined ? {} : { nodeDomain }) },
  };
}
