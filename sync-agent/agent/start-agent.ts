import { CoordinationV1Api, CoreV1Api, type KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import { ClusterWriter } from "../etiquette/cluster-writer.ts";
import { KubeClusterSource } from "../kube/kube-cluster-source.ts";
import { loadKubeConfig } from "../kube/load-kube-config.ts";
import { LeaseElector } from "../leader/lease-elector.ts";
import type { ClusterSource } from "../loop/cluster-source.ts";
import { type HealthSource, noHealthChecks } from "../loop/health-source.ts";
import { type Leadership, soleLeader } from "../loop/leadership.ts";
import { SyncLoop } from "../loop/sync-loop.ts";
import { ManifestClusterSource } from "../manifests/manifest-cluster-source.ts";
import type { Logger } from "../observe/logger.ts";
import { createSyncMetrics } from "../observe/sync-metrics.ts";
import { EdgePublisher } from "../push/edge-publisher.ts";
import { createPushSigner } from "../push/sign-push-token.ts";
import type { TablePublisher } from "../push/table-publisher.ts";
import type { AgentConfig } from "./agent-config.ts";

export interface AgentDependencies {
  readonly logger: Logger;
  readonly registry: Registry;
  /** The health checker; until one is wired in, every target counts as healthy. */
  readonly health?: HealthSource;
  /** Overrides the edge publisher (a later issue adds a Workers KV publisher). */
  readonly publisher?: TablePublisher;
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch, for table generations. */
  readonly now?: () => number;
  /** Already-loaded client configuration (otherwise loaded from `config.source`). */
  readonly kubeConfig?: KubeConfig;
}

/** A running agent: the hooks the health/metrics server needs, and a way to stop. */
export interface RunningAgent {
  readonly loop: SyncLoop;
  isLeader(): boolean;
  /** Empty when ready: the /readyz hook. */
  notReadyReasons(): string[];
  stop(): Promise<void>;
}

/**
 * Wires the agent: a cluster source (informers or a manifests folder), the Lease elector, the loop, the edge
 * publisher and the cluster writer; starts them; returns the hooks. Throws (typed) on a bad key or kubeconfig.
 */
export async function startAgent(config: AgentConfig, deps: AgentDependencies): Promise<RunningAgent> {
  const { logger } = deps;
  const metrics = createSyncMetrics(deps.registry);
  const publisher = deps.publisher ?? new EdgePublisher({
    edgeUrl: config.edgeUrl,
    sign: await createPushSigner(config.privateJwk),
    timeoutMs: config.pushTimeoutMs,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });

  let source: ClusterSource;
  let leadership: Leadership = soleLeader;
  let elector: LeaseElector | null = null;
  let writer: ClusterWriter | null = null;
  if (config.source.kind === "manifests") {
    source = new ManifestClusterSource(config.source.dir, { logger: logger.child({ component: "manifests" }) });
  } else {
    const kubeConfig = deps.kubeConfig ?? loadKubeConfig(config.source.connection);
    source = new KubeClusterSource(kubeConfig, {
      backoff: config.backoff,
      watchTimeoutSeconds: config.watchTimeoutSeconds,
      logger: logger.child({ component: "informer" }),
      onRestart: (resource) => metrics.informerRestarts.inc({ resource }),
    });
    writer = new ClusterWriter({
      networking: kubeConfig.makeApiClient(NetworkingV1Api),
      core: kubeConfig.makeApiClient(CoreV1Api),
      ...(config.edgeHostname === undefined ? {} : { edgeHostname: config.edgeHostname }),
      instance: config.leaderElection.identity,
      logger: logger.child({ component: "cluster-writer" }),
      metrics,
    });
    if (config.leaderElection.enabled) {
      elector = new LeaseElector({
        api: kubeConfig.makeApiClient(CoordinationV1Api),
        ...config.leaderElection,
        logger: logger.child({ component: "leader-election" }),
      });
      leadership = elector;
    }
  }

  const clusterWriter = writer;
  const loop = new SyncLoop({
    source,
    compileOptions: config.compile,
    health: deps.health ?? noHealthChecks,
    publisher,
    leadership,
    logger: logger.child({ component: "sync-loop" }),
    metrics,
    ...(clusterWriter === null ? {} : { afterCompile: (result, cluster) => clusterWriter.reconcile(result, cluster) }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    debounceMs: config.debounceMs,
    minPublishIntervalMs: config.minPublishIntervalMs,
    retry: config.backoff,
  });

  logger.log("info", "agent-starting", {
    source: config.source.kind === "manifests" ? `manifests ${config.source.dir}` : config.source.connection.kind,
    destination: publisher.destination,
    ingressClass: config.compile.ingressClass,
    edgeHostname: config.edgeHostname ?? null,
    leaderElection: elector === null ? "off" : `${config.leaderElection.namespace}/${config.leaderElection.name} as ${config.leaderElection.identity}`,
  });
  source.start();
  elector?.start();
  loop.start();

  return {
    loop,
    isLeader: () => leadership.isLeader(),
    notReadyReasons: () => loop.notReadyReasons(),
    async stop() {
      await loop.stop();
      await elector?.stop();
      await source.stop();
      logger.log("info", "agent-stopped");
    },
  };
}
