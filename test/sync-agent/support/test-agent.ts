import { Registry } from "prom-client";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import type { AgentConfig } from "../../../sync-agent/agent/agent-config.ts";
import { type AgentDependencies, type RunningAgent, startAgent } from "../../../sync-agent/agent/start-agent.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import type { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { writeKubeconfig } from "../../support/fake-kube-api/index.ts";
import type { JWK } from "jose";
import { generatePushKeys } from "./push-keys.ts";

/** Where the agent pushes: the stand-in receiver, or the real worker (which trusts one key, given at its start). */
export interface PushDestination {
  readonly url: string;
  trust(identity: string, publicJwk: JWK): Promise<void>;
}

export interface TestAgent {
  readonly agent: RunningAgent;
  readonly logs: string[];
  readonly registry: Registry;
  readonly identity: string;
}

/** A real agent against the fake API server and the edge receiver, with timings short enough for tests. */
export async function startTestAgent(
  api: FakeKubeApi,
  edge: PushDestination,
  options: {
    identity?: string;
    token?: string;
    edgeHostname?: string;
    keys?: { privateJwk: JWK; publicJwk: JWK };
    overrides?: Partial<AgentConfig>;
    deps?: Partial<AgentDependencies>;
  } = {},
): Promise<TestAgent> {
  const identity = options.identity ?? "agent-1";
  const keys = options.keys ?? (await generatePushKeys());
  await edge.trust(identity, keys.publicJwk);
  const logs: string[] = [];
  const registry = new Registry();
  const config: AgentConfig = {
    source: { kind: "kube", connection: { kind: "kubeconfig", path: await writeKubeconfig(api, options.token) } },
    compile: defaultCompileOptions,
    edgeUrl: edge.url,
    edgeHostname: options.edgeHostname ?? "edge.example.test",
    privateJwk: keys.privateJwk,
    leaderElection: {
      enabled: true,
      namespace: "edge-ingress",
      name: "edge-ingress-sync-agent",
      identity,
      leaseDurationMs: 1000,
      renewDeadlineMs: 600,
      retryPeriodMs: 100,
    },
    debounceMs: 20,
    minPublishIntervalMs: 100,
    pushTimeoutMs: 2000,
    watchTimeoutSeconds: 30,
    backoff: { initialMs: 50, maxMs: 400, factor: 2, jitter: 0.1 },
    ...options.overrides,
  };
  const agent = await startAgent(config, {
    logger: createLogger({ level: "debug", write: (line) => logs.push(line), fields: { identity } }),
    registry,
    ...options.deps,
  });
  return { agent, logs, registry, identity };
}
