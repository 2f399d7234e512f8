import type { CompileOptions } from "../../core/compile/compile-options.ts";
import type { KubeConnection } from "../kube/load-kube-config.ts";
import type { LeaseElectorOptions } from "../leader/lease-elector.ts";
import type { BackoffPolicy } from "../loop/backoff.ts";

/** The elector's own options (see lease-elector.ts), less what the agent supplies: the API client and logger. */
export interface LeaderElectionConfig
  extends Pick<LeaseElectorOptions, "namespace" | "name" | "identity" | "leaseDurationMs" | "renewDeadlineMs" | "retryPeriodMs"> {
  readonly enabled: boolean;
}

/** Everything `edge-ingress sync` runs with, checked (see sync-flags.ts). */
export interface AgentConfig {
  readonly source: { readonly kind: "manifests"; readonly dir: string } | { readonly kind: "kube"; readonly connection: KubeConnection };
  readonly compile: CompileOptions;
  /** The worker's sync endpoint, with `privateJwk`; absent when tables go elsewhere (a publisher in the agent's dependencies: Workers KV). */
  readonly edgeUrl?: string;
  /** Written into Ingress status; absent = status left alone. */
  readonly edgeHostname?: string;
  readonly privateJwk?: unknown;
  readonly leaderElection: LeaderElectionConfig;
  readonly debounceMs: number;
  readonly minPublishIntervalMs: number;
  readonly pushTimeoutMs: number;
  readonly watchTimeoutSeconds: number;
  readonly backoff: BackoffPolicy;
}

export const defaultLeaderElection = {
  enabled: true,
  name: "edge-ingress-sync-agent",
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const;

export const defaultTimings = {
  debounceMs: 100,
  minPublishIntervalMs: 1000,
  // Below lease duration − renew deadline (5 s): a push cannot outlive the leadership it started under.
  pushTimeoutMs: 4_000,
  watchTimeoutSeconds: 300,
  backoff: { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 },
} as const;
