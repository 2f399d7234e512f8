import { DEFAULT_KUBE_PROXY_HEALTH_PORT, PROBE_ADDRESSES, type ProbeAddress } from "../../core/compile/compile-options.ts";
import { checkHealthSettings, defaultHealthSettings, type HealthSettings } from "../health/health-settings.ts";

/**
 * Flags of the health checker and the observe server, in `node:util` parseArgs form, for `sync` to spread into
 * its own spec. All strings: parsed and checked by `readHealthFlags`, so that every problem is listed at once.
 */
export const healthFlagSpec = {
  "health-interval": { type: "string" },
  "health-timeout": { type: "string" },
  "health-rise": { type: "string" },
  "health-fall": { type: "string" },
  "health-concurrency": { type: "string" },
  "probe-address": { type: "string" },
  "kube-proxy-health-port": { type: "string" },
  "metrics-port": { type: "string" },
} as const;

export interface HealthFlags {
  readonly "health-interval"?: string;
  readonly "health-timeout"?: string;
  readonly "health-rise"?: string;
  readonly "health-fall"?: string;
  readonly "health-concurrency"?: string;
  readonly "probe-address"?: string;
  readonly "kube-proxy-health-port"?: string;
  readonly "metrics-port"?: string;
}

export const DEFAULT_METRICS_PORT = 9102;

export const healthUsage = `  --health-interval 5s      time between two checks of one target (env EDGE_HEALTH_INTERVAL; ms, s or m)
  --health-timeout 2s       a check without an answer by then fails; at most the interval (EDGE_HEALTH_TIMEOUT)
  --health-rise 2           consecutive passes that bring a target back (EDGE_HEALTH_RISE)
  --health-fall 2           consecutive failures that take a target out (EDGE_HEALTH_FALL)
  --health-concurrency 64   checks running at once (EDGE_HEALTH_CONCURRENCY)
  --probe-address internal  which Node address the checks probe (EDGE_PROBE_ADDRESS): internal, the default, is the
                            InternalIP (else ExternalIP), reachable from the agent's Pod whatever guards the public
                            addresses; external probes the address the edge connects to (ExternalIP)
  --kube-proxy-health-port ${DEFAULT_KUBE_PROXY_HEALTH_PORT}
                            kube-proxy's health port (EDGE_KUBE_PROXY_HEALTH_PORT): one GET /healthz per Node there
                            checks every externalTrafficPolicy Cluster backend at once; 0 or off, for a cluster
                            without kube-proxy (e.g. Cilium's kube-proxy replacement): a TCP check of every
                            nodePort on every Node instead
  --metrics-port ${DEFAULT_METRICS_PORT}       serves /metrics, /healthz and /readyz; 0 picks a free port (EDGE_METRICS_PORT)
  A failing target is taken out within fall × interval + timeout. When every target of a backend fails, all of
  them are served (failing open, as cloud load balancers do): a Warning Event on the Ingress, the metric
  edge_ingress_backends_failed_open and the edge's status say so.`;

export interface HealthConfig {
  readonly health: HealthSettings;
  /** Goes into `CompileOptions.probeAddress`: the compiler names checks by the address probed. */
  readonly probeAddress: ProbeAddress;
  /** Goes into `CompileOptions.kubeProxyHealthPort`; null: off. */
  readonly kubeProxyHealthPort: number | null;
  readonly metricsPort: number;
}

const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 3_600_000;

/** Reads the flags (else the environment, else the defaults), pushing every problem into `problems`. */
export function readHealthFlags(flags: HealthFlags, env: NodeJS.ProcessEnv, problems: string[]): HealthConfig {
  const pick = (flag: keyof HealthFlags, variable: string): { text: string; name: string } | null => {
    const fromFlag = flags[flag];
    if (fromFlag !== undefined) return { text: fromFlag, name: `--${flag}` };
    const fromEnv = env[variable];
    return fromEnv === undefined || fromEnv === "" ? null : { text: fromEnv, name: variable };
  };
  const duration = (flag: keyof HealthFlags, variable: string, fallback: number): number => {
    const given = pick(flag, variable);
    if (given === null) return fallback;
    const ms = parseDuration(given.text);
    if (ms === null) {
      problems.push(`${given.name} "${given.text}" is not a duration: write it like 500ms, 5s or 1m`);
      return fallback;
    }
    return ms;
  };
  const whole = (flag: keyof HealthFlags, variable: string, fallback: number): number => {
    const given = pick(flag, variable);
    if (given === null) return fallback;
    if (!/^\d+$/.test(given.text)) {
      problems.push(`${given.name} "${given.text}" is not a whole number`);
      return fallback;
    }
    return Number(given.text);
  };

  const health: HealthSettings = {
    intervalMs: duration("health-interval", "EDGE_HEALTH_INTERVAL", defaultHealthSettings.intervalMs),
    timeoutMs: duration("health-timeout", "EDGE_HEALTH_TIMEOUT", defaultHealthSettings.timeoutMs),
    rise: whole("health-rise", "EDGE_HEALTH_RISE", defaultHealthSettings.rise),
    fall: whole("health-fall", "EDGE_HEALTH_FALL", defaultHealthSettings.fall),
    concurrency: whole("health-concurrency", "EDGE_HEALTH_CONCURRENCY", defaultHealthSettings.concurrency),
  };
  const metricsPort = whole("metrics-port", "EDGE_METRICS_PORT", DEFAULT_METRICS_PORT);
  const probe = pick("probe-address", "EDGE_PROBE_ADDRESS");
  const probeAddress = PROBE_ADDRESSES.find((mode) => mode === probe?.text) ?? "internal";
  if (probe !== null && probe.text !== probeAddress) problems.push(`${probe.name} "${probe.text}" must be internal or external`);

  const kubeProxy = pick("kube-proxy-health-port", "EDGE_KUBE_PROXY_HEALTH_PORT");
  let kubeProxyHealthPort: number | null = DEFAULT_KUBE_PROXY_HEALTH_PORT;
  if (kubeProxy !== null) {
    const text = kubeProxy.text.trim();
    if (text === "off" || text === "0") kubeProxyHealthPort = null;
    else if (/^\d+$/.test(text) && Number(text) <= 65_535) kubeProxyHealthPort = Number(text);
    else problems.push(`${kubeProxy.name} "${kubeProxy.text}" must be a port from 1 to 65535, or 0 or off (no kube-proxy)`);
  }

  if (health.intervalMs > 0 && (health.intervalMs < MIN_INTERVAL_MS || health.intervalMs > MAX_INTERVAL_MS)) {
    problems.push(`--health-interval must be from ${MIN_INTERVAL_MS}ms to 1h, not ${health.intervalMs}ms`);
  }
  problems.push(...checkHealthSettings(health).map((problem) => `--health-${problem}`));
  if (metricsPort > 65_535) problems.push(`--metrics-port must be from 0 (any free port) to 65535, not ${metricsPort}`);
  return { health, probeAddress, kubeProxyHealthPort, metricsPort };
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000 };

/** `500ms`, `5s`, `1.5s`, `1m` → milliseconds (whole); null for anything else, bare numbers included. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (match === null || match[1] === undefined || match[2] === undefined) return null;
  const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2]] ?? Number.NaN));
  return Number.isFinite(ms) ? ms : null;
}
