import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { compileTable } from "../../core/compile/compile-table.ts";
import type { CompileOptions } from "../../core/compile/compile-options.ts";
import { sealTable } from "../../core/table/hash-table.ts";
import { defaultLeaderElection, defaultTimings } from "../agent/agent-config.ts";
import { type RunningAgent, startAgent } from "../agent/start-agent.ts";
import { generatePushKeyPair } from "../cli/keygen-command.ts";
import { createHealthChecker, type HealthChecker } from "../health/health-checker.ts";
import { loadManifests } from "../manifests/load-manifests.ts";
import type { Logger } from "../observe/logger.ts";
import { type DemoNode, startDemoNode } from "./demo-node.ts";
import { listDemoEndpoints } from "./demo-topology.ts";
import { LocalStackError, startWranglerDev, type WranglerDev } from "./start-wrangler-dev.ts";

export interface LocalStackOptions {
  /** Repository root: where wrangler.toml is. */
  readonly root: string;
  readonly manifests: string;
  readonly httpPort: number;
  /** Null: no https edge. */
  readonly httpsPort: number | null;
  /** Start echo servers standing in for the Nodes of the manifests (on their loopback addresses). */
  readonly demoNodes: boolean;
  readonly compile: CompileOptions;
  readonly logger: Logger;
  /** Health-check cadence; the demo defaults take a dead Node out within about 2.5 s. */
  readonly health?: { readonly intervalMs: number; readonly timeoutMs: number; readonly rise: number; readonly fall: number };
  /** The https edge's certificate (PEM); absent: wrangler's own local certificate. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** Lines from wrangler (errors, warnings). */
  readonly onEdgeLine?: (line: string) => void;
}

export interface LocalStack {
  readonly httpUrl: string;
  readonly httpsUrl: string | null;
  /** The demo Nodes that are up, by `node@port`. */
  readonly nodes: ReadonlyMap<string, DemoNode>;
  readonly agent: RunningAgent;
  /** Tokens the edge accepts: for tools and tests that talk to the status endpoint. */
  readonly keys: { readonly privateJwk: unknown; readonly publicJwk: unknown };
  /** Stops a demo Node's servers (every port), as if the machine died. */
  killNode(node: string): Promise<void>;
  /** Brings a killed demo Node back on the same addresses and ports. */
  reviveNode(node: string): Promise<void>;
  stop(): Promise<void>;
}

const DEMO_HEALTH = { intervalMs: 1_000, timeoutMs: 500, rise: 2, fall: 2 } as const;

/**
 * The whole edge on one machine: demo Nodes, the worker under `wrangler dev` (http, and https with a local
 * certificate), and the sync agent in manifests mode pushing signed tables to it. Everything it starts is
 * stopped by `stop()`, and by the process-exit guard if the caller dies.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const state = await mkdtemp(join(tmpdir(), "edge-ingress-local-"));
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const part of started.reverse()) await part.stop().catch(() => {});
    await rm(state, { recursive: true, force: true });
  };
  try {
    const nodes = new Map<string, DemoNode>();
    const endpoints = options.demoNodes ? await plannedEndpoints(options.manifests, options.compile) : [];
    for (const endpoint of endpoints) {
      const node = await startDemoNode(endpoint.node, endpoint.address, endpoint.port).catch((error: unknown) => {
        throw new LocalStackError("NODE_START_FAILED", `demo node ${endpoint.node} cannot listen on ${endpoint.address}:${endpoint.port}: ${(error as Error).message}`);
      });
      nodes.set(`${endpoint.node}@${endpoint.port}`, node);
    }
    started.push({ stop: () => Promise.all([...nodes.values()].map((n) => n.close())).then(() => {}) });

    const keys = await generatePushKeyPair();
    const vars = {
      EDGE_ALLOW_IP_TARGETS: "true",
      EDGE_PUSH_PUBLIC_JWK: JSON.stringify(keys.publicJwk),
      EDGE_COOKIE_KEY: randomBytes(32).toString("base64url"),
      // Locally a change should show at once; a deployed edge reads KV less often.
      EDGE_TABLE_REFRESH_MS: "250",
      EDGE_UPSTREAM_TIMEOUT_MS: "10000",
      EDGE_COOLDOWN_MS: "2000",
    };
    // Both edges share one local KV, as every edge location shares one namespace: one push reaches both.
    const kv = join(state, "kv");
    const edges: WranglerDev[] = [];
    const starting = [startWranglerDev({ root: options.root, port: options.httpPort, protocol: "http", vars, stateDir: join(state, "http"), kvDir: kv, ...lineOption(options) })];
    if (options.httpsPort !== null) {
      const tls = options.tls === undefined ? undefined : await writeCertificate(join(state, "tls"), options.tls);
      starting.push(startWranglerDev({ root: options.root, port: options.httpsPort, protocol: "https", vars, stateDir: join(state, "https"), kvDir: kv, ...(tls === undefined ? {} : { tls }), ...lineOption(options) }));
    }
    const results = await Promise.allSettled(starting);
    for (const result of results) if (result.status === "fulfilled") edges.push(result.value);
    started.push({ stop: () => Promise.all(edges.map((edge) => edge.stop())).then(() => {}) });
    const failed = results.find((result) => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    const [httpEdge, httpsEdge] = edges;
    if (httpEdge === undefined) throw new LocalStackError("EDGE_START_FAILED", "the http edge did not start");

    const health: HealthChecker = createHealthChecker({ ...DEMO_HEALTH, ...options.health, concurrency: 16, logger: options.logger.child({ component: "health" }) });
    const agent = await startAgent(
      {
        source: { kind: "manifests", dir: options.manifests },
        compile: options.compile,
        edgeUrl: httpEdge.url,
        privateJwk: keys.privateJwk,
        leaderElection: { ...defaultLeaderElection, enabled: false, namespace: "local", identity: "local" },
        ...defaultTimings,
        debounceMs: 50,
      },
      { logger: options.logger, registry: new Registry(), health },
    );
    health.start();
    started.push({ stop: async () => { await agent.stop(); await health.stop(); } });

    const killed = new Map<string, DemoNode[]>();
    return {
      httpUrl: httpEdge.url,
      httpsUrl: httpsEdge?.url ?? null,
      nodes,
      agent,
      keys,
      async killNode(name) {
        const down = [...nodes.entries()].filter(([, node]) => node.node === name);
        for (const [key] of down) nodes.delete(key);
        killed.set(name, down.map(([, node]) => node));
        await Promise.all(down.map(([, node]) => node.close()));
      },
      async reviveNode(name) {
        for (const old of killed.get(name) ?? []) nodes.set(`${name}@${old.port}`, await startDemoNode(name, old.address, old.port));
        killed.delete(name);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function plannedEndpoints(manifests: string, compile: CompileOptions) {
  const cluster = await loadManifests(manifests);
  return listDemoEndpoints(await sealTable(compileTable(cluster, compile).content, 0));
}

async function writeCertificate(dir: string, pem: { certPem: string; keyPem: string }): Promise<{ keyPath: string; certPath: string }> {
  await mkdir(dir, { recursive: true });
  const certPath = join(dir, "tls.crt");
  const keyPath = join(dir, "tls.key");
  await writeFile(certPath, pem.certPem);
  await writeFile(keyPath, pem.keyPem, { mode: 0o600 });
  return { keyPath, certPath };
}

function lineOption(options: LocalStackOptions): { onLine?: (line: string) => void } {
  return options.onEdgeLine === undefined ? {} : { onLine: options.onEdgeLine };
}
