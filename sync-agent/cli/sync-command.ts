import { Registry } from "prom-client";
import { type RunningAgent, startAgent } from "../agent/start-agent.ts";
import { buildCloudflare, checkCloudflareAccess, CloudflareReconcileHook, nodeDnsGate } from "../cloudflare/build-cloudflare.ts";
import { HostAttachmentsHook } from "../cloudflare/host-attachments-hook.ts";
import { describeKubeError } from "../kube/describe-kube-error.ts";
import { loadKubeConfig } from "../kube/load-kube-config.ts";
import { createLogger } from "../observe/logger.ts";
import { createHealthChecker } from "../health/health-checker.ts";
import { type ObserveServer, type Readiness, startObserveServer } from "../observe/observe-server.ts";
import { createPushSigner } from "../push/sign-push-token.ts";
import type { CommandIo } from "./command-io.ts";
import { waitForStop } from "./wait-for-stop.ts";
import { readSyncFlags, syncUsage } from "./sync-flags.ts";

export { syncUsage };

/** Hooks for whoever hosts the agent: the health/metrics HTTP server attaches to these (/metrics, /readyz). */
export interface SyncHooks {
  /** Stops the agent when aborted; without it, SIGINT and SIGTERM do. */
  readonly signal?: AbortSignal;
  readonly registry?: Registry;
  readonly onStarted?: (agent: RunningAgent, registry: Registry) => void;
}

/**
 * `edge-ingress sync`: checks the whole configuration (flags, key, kubeconfig, and with a Cloudflare API token
 * what the token can reach) and reports every problem at once with exit code 1; otherwise runs the agent until
 * stopped.
 */
export async function runSync(args: readonly string[], io: CommandIo, hooks: SyncHooks = {}): Promise<number> {
  const read = readSyncFlags(args, io.env);
  const problems = [...read.problems];
  if (read.privateJwk !== null) await createPushSigner(read.privateJwk).catch((error: unknown) => problems.push((error as Error).message));
  const connection = read.settings?.config.source.kind === "kube"
    ? read.settings.config.source.connection
    : read.kubeconfigPath === null ? null : { kind: "kubeconfig" as const, path: read.kubeconfigPath };
  if (connection !== null) {
    try {
      loadKubeConfig(connection);
    } catch (error) {
      problems.push(describeKubeError(error));
    }
  }
  // Built before the verdict, so that the API check adds its problems to the same list.
  const logger = createLogger({ level: read.settings?.logLevel ?? "info", write: io.stderr });
  const cf = read.cloudflare === null ? null : buildCloudflare(read.cloudflare, { logger: logger.child({ component: "cloudflare" }) });
  if (cf !== null && read.cloudflare !== null) problems.push(...await checkCloudflareAccess(read.cloudflare, cf));
  if (problems.length > 0 || read.settings === null) {
    io.stderr(`edge-ingress sync: cannot start:${problems.map((p) => `\n  - ${p}`).join("")}\n\n${syncUsage}\n`);
    return 1;
  }

  const { config, health: healthSettings, metricsPort } = read.settings;
  if (read.settings.cloudflare.publish === "kv" && config.compile.nodeDomain === undefined) {
    // Pushing to the worker, its answer says whether its transport reaches the targets; KV answers nothing.
    logger.log("warn", "targets-without-dns-names", {
      message: "no --node-domain: targets have no DNS names; the fetch transport (the worker's default) cannot reach them. "
        + "With --publish kv the agent cannot ask the edge which transport it runs: give --node-domain (EDGE_NODE_DOMAIN), or run the worker with EDGE_TRANSPORT=socket",
    });
  }
  const registry = hooks.registry ?? new Registry();
  const health = healthSettings === null ? null : createHealthChecker({ ...healthSettings, registry, logger: logger.child({ component: "health" }) });
  let agent: RunningAgent | null = null;
  let observe: ObserveServer;
  try {
    observe = await startObserveServer({ port: metricsPort, registry, logger, readiness: () => readiness(agent) });
  } catch (error) {
    io.stderr(`edge-ingress sync: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  const publisher = cf?.publisher ?? null;
  const targetGate = cf === null || cf.nodeDns === null ? null : nodeDnsGate(cf.nodeDns, logger.child({ component: "cloudflare", part: "node-dns" }));
  const reconcile = cf === null || cf.certificates === null
    ? null
    // The loop exists only once the agent has started: bound late.
    : new CloudflareReconcileHook(cf, { logger: logger.child({ component: "cloudflare" }), requestRerun: () => agent?.loop.markDirty() });
  const hosts = cf === null || cf.hosts === null
    ? null
    : new HostAttachmentsHook(cf.hosts, {
      logger: logger.child({ component: "cloudflare", part: "hosts" }),
      registry,
      requestRerun: () => agent?.loop.markDirty(),
      publishedVersion: () => agent?.loop.lastPublished()?.version ?? null,
    });
  const afterCompile = reconcile === null && hosts === null ? null : async (result: Parameters<CloudflareReconcileHook["afterCompile"]>[0]) => {
    await reconcile?.afterCompile(result);
    await hosts?.afterCompile(result);
  };
  agent = await startAgent(config, {
    logger,
    registry,
    ...(health === null ? {} : { health }),
    ...(publisher === null ? {} : { publisher }),
    ...(afterCompile === null ? {} : { afterCompile }),
    ...(hosts === null ? {} : { moreProblems: () => hosts.problems() }),
    ...(targetGate === null ? {} : { targetGate }),
    // Secrets are read only for certificates: the default ClusterRole grants no access to them.
    ...(reconcile === null || cf === null || cf.certificates === null ? {} : { onTlsSecrets: (secrets) => reconcile.setTlsSecrets(secrets) }),
  });
  health?.start();
  logger.log("info", "observe-listening", { port: observe.port });
  hooks.onStarted?.(agent, registry);

  await waitForStop(hooks.signal);
  await agent.stop();
  reconcile?.stop();
  hosts?.stop();
  await health?.stop();
  await observe.close();
  return 0;
}

function readiness(agent: RunningAgent | null): Readiness {
  if (agent === null) return { ready: false, reasons: ["starting"] };
  const reasons = agent.notReadyReasons();
  return { ready: reasons.length === 0, reasons };
}
