import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { defaultLeaderElection, defaultTimings, type AgentConfig } from "../agent/agent-config.ts";
import { type CloudflareConfig, cloudflareFlagSpec, cloudflareUsage, readCloudflareFlags } from "../cloudflare/cloudflare-flags.ts";
import type { LogLevel } from "../observe/logger.ts";
import { compileFlagSpec, readCompileFlags } from "./compile-flags.ts";
import { readPushKey } from "./read-push-key.ts";
import { type HealthConfig, healthFlagSpec, healthUsage, readHealthFlags } from "./health-flags.ts";

export const syncUsage = `edge-ingress sync (--manifests DIR | --kubeconfig PATH | in a cluster) WHERE [flags]
  WHERE: --edge-url URL (--push-key-file PATH | env EDGE_PUSH_PRIVATE_JWK)    push to the edge worker (default)
     or: --publish kv --cloudflare-account-id ID --kv-namespace-id ID (+ API token)    write Workers KV via the API
  Watches the cluster (or a manifests folder) and publishes the routing table on every change.
  --edge-url URL            the edge worker (env EDGE_URL); not needed with --publish kv
  --edge-hostname NAME      written into the status of served Ingresses (env EDGE_HOSTNAME)
  --push-key-file PATH      the private ES256 JWK from "edge-ingress keygen" (env EDGE_PUSH_KEY_FILE); not with --publish kv
  --lease-namespace NS      namespace of the leader Lease (env POD_NAMESPACE; default edge-ingress)
  --lease-name NAME         default ${defaultLeaderElection.name}
  --identity NAME           this replica in the Lease and in Events (env POD_NAME; default the host name)
  --no-leader-election      run alone (only one replica!)
  --debounce-ms N           wait after a change before compiling, ≤ 250 (default ${defaultTimings.debounceMs})
  --log-level LEVEL         debug, info, warn or error (env EDGE_LOG_LEVEL; default info)
  --no-health-checks        serve every target without active checks (the edge still fails over on its own)
${healthUsage}
  plus the compile flags: --ingress-class, --node-domain, --allow-internal-ip
${cloudflareUsage}
  Secrets are read only with --upload-certificates (type kubernetes.io/tls, those the served Ingresses name);
  grant that with deploy/components/tls-secrets: the default ClusterRole has no access to Secrets.
  More in docs/cloudflare-api.md.`;

const syncFlagSpec = {
  ...compileFlagSpec,
  ...healthFlagSpec,
  ...cloudflareFlagSpec,
  "no-health-checks": { type: "boolean", default: false },
  "edge-url": { type: "string" },
  "edge-hostname": { type: "string" },
  "push-key-file": { type: "string" },
  "lease-namespace": { type: "string" },
  "lease-name": { type: "string" },
  identity: { type: "string" },
  "no-leader-election": { type: "boolean", default: false },
  "debounce-ms": { type: "string" },
  "log-level": { type: "string" },
} as const;

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LOG_LEVELS = new Set(["debug", "info", "warn", "error"]);

export interface SyncFlagsResult {
  /** Null when there are problems. */
  readonly settings: SyncSettings | null;
  readonly problems: readonly string[];
  /** As read (not yet checked as a key), so that the caller can check it even when other flags are wrong. */
  readonly privateJwk: unknown;
  readonly kubeconfigPath: string | null;
  /** As read, even when other flags are wrong: the caller checks API access so that all problems are listed at once. */
  readonly cloudflare: CloudflareConfig | null;
}

export interface SyncSettings {
  readonly config: AgentConfig;
  readonly logLevel: LogLevel;
  /** Null: `--no-health-checks`. */
  readonly health: HealthConfig["health"] | null;
  readonly metricsPort: number;
  readonly cloudflare: CloudflareConfig;
}

/**
 * Reads and checks every flag and variable `sync` takes. Returns the settings, or every problem found (never
 * just the first): a misconfigured agent should fail at start-up with the whole list.
 */
export function readSyncFlags(args: readonly string[], env: NodeJS.ProcessEnv): SyncFlagsResult {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: syncFlagSpec, allowPositionals: true, strict: true });
  } catch (error) {
    return { settings: null, problems: [(error as Error).message], privateJwk: null, kubeconfigPath: null, cloudflare: null };
  }
  const flags = parsed.values;
  const problems: string[] = [];
  for (const extra of parsed.positionals) problems.push(`unexpected argument "${extra}"`);
  const { source, options: compile } = readCompileFlags(flags, env, problems);

  // readCompileFlags has reported giving both; giving neither means in-cluster, when there is a cluster.
  const both = (flags.manifests ?? env.EDGE_MANIFESTS) !== undefined && (flags.kubeconfig ?? env.EDGE_KUBECONFIG) !== undefined;
  let agentSource: AgentConfig["source"] | null = null;
  if (source?.kind === "manifests") agentSource = { kind: "manifests", dir: source.dir };
  else if (source?.kind === "kubeconfig") agentSource = { kind: "kube", connection: { kind: "kubeconfig", path: source.path } };
  else if (both) agentSource = null;
  else if (env.KUBERNETES_SERVICE_HOST !== undefined) agentSource = { kind: "kube", connection: { kind: "in-cluster" } };
  else problems.push("give --manifests DIR or --kubeconfig PATH, or run inside a cluster");

  const cloudflare = readCloudflareFlags(flags, env, problems, { nodeDomain: compile.nodeDomain });
  // With --publish kv the agent writes KV itself: no edge URL, no push key (any in the environment are unused).
  const pushToEdge = cloudflare.publish === "edge";
  const edgeUrl = pushToEdge ? flags["edge-url"] ?? env.EDGE_URL : undefined;
  if (pushToEdge && edgeUrl === undefined) problems.push("give --edge-url URL (or EDGE_URL): the edge worker to push tables to (or --publish kv)");
  else if (edgeUrl !== undefined && (!URL.canParse(edgeUrl) || !["http:", "https:"].includes(new URL(edgeUrl).protocol))) problems.push(`--edge-url "${edgeUrl}" is not an http(s) URL`);

  const edgeHostname = (flags["edge-hostname"] ?? env.EDGE_HOSTNAME)?.replace(/\.$/, "").toLowerCase();
  if (edgeHostname !== undefined && !DNS_NAME.test(edgeHostname)) problems.push(`--edge-hostname "${edgeHostname}" is not a DNS name`);

  const privateJwk = pushToEdge ? readPushKey(flags["push-key-file"] ?? env.EDGE_PUSH_KEY_FILE, env.EDGE_PUSH_PRIVATE_JWK, problems) : null;

  const identity = flags.identity ?? env.POD_NAME ?? hostname();
  if (!DNS_NAME.test(identity)) problems.push(`--identity "${identity}" must be a DNS name (a Pod name)`);
  const leaseNamespace = flags["lease-namespace"] ?? env.POD_NAMESPACE ?? "edge-ingress";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(leaseNamespace)) problems.push(`--lease-namespace "${leaseNamespace}" is not a namespace name`);
  const leaseName = flags["lease-name"] ?? defaultLeaderElection.name;
  if (!DNS_NAME.test(leaseName)) problems.push(`--lease-name "${leaseName}" is not a valid object name`);

  const debounceMs = flags["debounce-ms"] === undefined ? defaultTimings.debounceMs : Number(flags["debounce-ms"]);
  if (!Number.isInteger(debounceMs) || debounceMs < 0 || debounceMs > 250) problems.push(`--debounce-ms "${flags["debounce-ms"] ?? ""}" must be an integer from 0 to 250`);

  const logLevel = flags["log-level"] ?? env.EDGE_LOG_LEVEL ?? "info";
  if (!LOG_LEVELS.has(logLevel)) problems.push(`--log-level "${logLevel}" must be one of debug, info, warn, error`);

  const { health, probeAddress, kubeProxyHealthPort, metricsPort } = readHealthFlags(flags, env, problems);

  const kubeconfigPath = source?.kind === "kubeconfig" ? source.path : null;
  if (problems.length > 0 || agentSource === null) return { settings: null, problems, privateJwk, kubeconfigPath, cloudflare };
  return {
    problems,
    privateJwk,
    kubeconfigPath,
    cloudflare,
    settings: {
      logLevel: logLevel as LogLevel,
      health: flags["no-health-checks"] === true ? null : health,
      metricsPort,
      cloudflare,
      config: {
        source: agentSource,
        compile: { ...compile, probeAddress, kubeProxyHealthPort },
        ...(edgeUrl === undefined ? {} : { edgeUrl, privateJwk }),
        ...(edgeHostname === undefined ? {} : { edgeHostname }),
        leaderElection: {
          ...defaultLeaderElection,
          // A manifests folder has no API server to hold a Lease: a single agent.
          enabled: !flags["no-leader-election"] && agentSource.kind === "kube",
          namespace: leaseNamespace,
          name: leaseName,
          identity,
        },
        ...defaultTimings,
        debounceMs,
      },
    },
  };
}

