import { Registry } from "prom-client";
import { type RunningAgent, startAgent } from "../agent/start-agent.ts";
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
 * `edge-ingress sync`: checks the whole configuration (flags, key, kubeconfig) and reports every problem at
 * once with exit code 1; otherwise runs the agent until stopped.
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
  if (problems.length > 0 || read.settings === null) {
    io.stderr(`edge-ingress sync: cannot start:${problems.map((p) => `\n  - ${p}`).join("")}\n\n${syncUsage}\n`);
    return 1;
  }

  const { config, logLevel, health: healthSettings, metricsPort } = read.settings;
  const registry = hooks.registry ?? new Registry();
  const logger = createLogger({ level: logLevel, write: io.stderr });
  const health = healthSettings === null ? null : createHealthChecker({ ...healthSettings, registry, logger: logger.child({ component: "health" }) });
  let agent: RunningAgent | null = null;
  let observe: ObserveServer;
  try {
    observe = await startObserveServer({ port: metricsPort, registry, logger, readiness: () => readiness(agent) });
  } catch (error) {
    io.stderr(`edge-ingress sync: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  agent = await startAgent(config, { logger, registry, ...(health === null ? {} : { health }) });
  health?.start();
  logger.log("info", "observe-listening", { port: observe.port });
  hooks.onStarted?.(agent, registry);

  await waitForStop(hooks.signal);
  await agent.stop();
  await health?.stop();
  await observe.close();
  return 0;
}

function readiness(agent: RunningAgent | null): Readiness {
  if (agent === null) return { ready: false, reasons: ["starting"] };
  const reasons = agent.notReadyReasons();
  return { ready: reasons.length === 0, reasons };
}
