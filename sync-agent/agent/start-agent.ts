import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { Problem } from "../../core/table/schema.ts";
import type { TlsSecret } from "../cloudflare/tls-secret.ts";
import { ClusterWriter } from "../etiquette/cluster-writer.ts";
import { KubeClusterSource } from "../kube/kube-cluster-source.ts";
import { KubeSecretSource } from "../kube/kube-secret-source.ts";
import { loadKubeConfig } from "../kube/load-kube-config.ts";
import { LeaseElector } from "../leader/lease-elector.ts";
import type { ClusterSource } from "../loop/cluster-source.ts";
import { type HealthSource, noHealthChecks } from "../loop/health-source.ts";
import { type Leadership, soleLeader } from "../loop/leadership.ts";
import { type AfterCompile, SyncLoop } from "../loop/sync-loop.ts";
import type { TargetGate } from "../loop/target-gate.ts";
import { ManifestClusterSource } from "../manifests/manifest-cluster-source.ts";
import type { Logger } from "../observe/logger.ts";
import { createSyncMetrics } from "../observe/sync-metrics.ts";
import { EdgePublisher } from "../push/edge-publisher.ts";
import { createPushSigner } from "../push/sign-push-token.ts";
import type { TablePublisher } from "../push/table-publisher.ts";
import type { SecretStore } from "../tls/secret-store.ts";
import { TlsSecretFeed } from "../tls/tls-secret-feed.ts";
import type { AgentConfig } from "./agent-config.ts";

export interface AgentDependencies {
  readonly logger: Logger;
  readonly registry: Registry;
  /** The health checker; until one is wired in, every target counts as healthy. */
  readonly health?: HealthSource;
  /** Where tables go instead of the edge worker's sync endpoint (Workers KV); then `edgeUrl` and the key are not needed. */
  readonly publisher?: TablePublisher;
  /**
   * More work with each compiled table, leader only, after Ingress status and Events, in either source mode
   * (the Cloudflare reconcilers). Its failures are logged by the loop and never hold up publishing.
   */
  readonly afterCompile?: AfterCompile;
  /** What a Node needs before a published table names it (its DNS record, `--manage-dns`); leader only. */
  readonly targetGate?: TargetGate;
  /**
   * Given, the agent reads TLS Secrets (an informer on type kubernetes.io/tls Secrets, which needs the extra RBAC
   * grant; or a manifests folder's Secrets) and hands over those the served Ingresses name, before `afterCompile`
   * on every pass, once Secrets are synced. Not given, Secrets are never read.
   */
  readonly onTlsSecrets?: (secrets: readonly TlsSecret[]) => void;
  /** Problems found outside the compiler, reported as Ingress Events with the table's (hosts not attached, `--manage-hosts`). */
  readonly moreProblems?: () => readonly Problem[];
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch, for table generations. */
  readonly now?: () => number;
  /** Already-loaded client configuration (otherwise loaded from `config.source`). */
  readonly kubeConfig?: KubeConfig;
  /** How often to look again for the Gateway API CRDs while they are not installed (default 30 s; tests shorten it). */
  readonly gatewayApiProbeMs?: number;
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
 * publisher (unless another is given) and the cluster writer, and when asked the TLS Secret source; starts
 * them; returns the hooks. Throws (typed) on a bad key or kubeconfig.
 */
export async function startAgent(config: AgentConfig, deps: AgentDependencies): Promise<RunningAgent> {
  const { logger } = deps;
  const metrics = createSyncMetrics(deps.registry);
  const publisher = deps.publisher ?? await createEdgePublisher(config, deps);

  let source: ClusterSource;
  let leadership: Leadership = soleLeader;
  let elector: LeaseElector | null = null;
  let writer: ClusterWriter | null = null;
  let secretStore: SecretStore | null = null;
  let secretSource: KubeSecretSource | null = null;
  const readSecrets = deps.onTlsSecrets !== undefined;
  if (config.source.kind === "manifests") {
    const manifests = new ManifestClusterSource(config.source.dir, { logger: logger.child({ component: "manifests" }), readSecrets });
    source = manifests;
    if (readSecrets) secretStore = manifests;
  } else {
    const kubeConfig = deps.kubeConfig ?? loadKubeConfig(config.source.connection);
    source = new KubeClusterSource(kubeConfig, {
      backoff: config.backoff,
      watchTimeoutSeconds: config.watchTimeoutSeconds,
      logger: logger.child({ component: "informer" }),
      onRestart: (resource) => metrics.informerRestarts.inc({ resource }),
      ...(deps.gatewayApiProbeMs === undefined ? {} : { gatewayApiProbeMs: deps.gatewayApiProbeMs }),
    });
    if (readSecrets) {
      secretSource = new KubeSecretSource(kubeConfig, {
        backoff: config.backoff,
        watchTimeoutSeconds: config.watchTimeoutSeconds,
        logger: logger.child({ component: "informer" }),
        onRestart: () => metrics.informerRestarts.inc({ resource: "secrets" }),
      });
      secretStore = secretSource;
    }
    writer = new ClusterWriter({
      networking: kubeConfig.makeApiClient(NetworkingV1Api),
      core: kubeConfig.makeApiClient(CoreV1Api),
      customObjects: kubeConfig.makeApiClient(CustomObjectsApi),
      ...(config.edgeHostname === undefined ? {} : { edgeHostname: config.edgeHostname }),
      instance: config.leaderElection.identity,
      logger: logger.child({ component: "cluster-writer" }),
      metrics,
      ...(deps.moreProblems === undefined ? {} : { moreProblems: deps.moreProblems }),
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
  const feed = secretStore === null || deps.onTlsSecrets === undefined ? null : new TlsSecretFeed(secretStore, deps.onTlsSecrets, logger.child({ component: "tls-secrets" }));
  const extra = deps.afterCompile;
  const afterCompile: AfterCompile | null = clusterWriter === null && feed === null && extra === undefined ? null : async (result, cluster) => {
    // Each writes to a different system: one failing must not keep the others from running.
    const failures: unknown[] = [];
    await clusterWriter?.reconcile(result, cluster).catch((error: unknown) => failures.push(error));
    feed?.update(result, cluster);
    await extra?.(result, cluster).catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
  const loop = new SyncLoop({
    source,
    compileOptions: config.compile,
    health: deps.health ?? noHealthChecks,
    publisher,
    leadership,
    logger: logger.child({ component: "sync-loop" }),
    metrics,
    ...(afterCompile === null ? {} : { afterCompile }),
    ...(deps.targetGate === undefined ? {} : { targetGate: deps.targetGate }),
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
    tlsSecrets: readSecrets ? "read" : "not read",
  });
  // A Secret changing (a rotated certificate) changes no table, but the certificates must follow it.
  secretStore?.onChange(() => loop.markDirty());
  source.start();
  secretSource?.start();
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
      await secretSource?.stop();
      logger.log("info", "agent-stopped");
    },
  };
}

/** The default destination: the edge worker's sync endpoint, which needs its URL and the push key. */
async function createEdgePublisher(config: AgentConfig, deps: AgentDependencies): Promise<TablePublisher> {
  if (config.edgeUrl === undefined) throw new TypeError("startAgent: no edgeUrl and no publisher: tables have nowhere to go");
  return new EdgePublisher({
    edgeUrl: config.edgeUrl,
    sign: await createPushSigner(config.privateJwk),
    timeoutMs: config.pushTimeoutMs,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
}
