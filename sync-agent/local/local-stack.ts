import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JWK } from "jose";
import { Registry } from "prom-client";
import { compileTable } from "../../core/compile/compile-table.ts";
import type { CompileOptions } from "../../core/compile/compile-options.ts";
import { signPushToken } from "../../core/push/push-token.ts";
import { sealTable } from "../../core/table/hash-table.ts";
import type { RoutingTable } from "../../core/table/schema.ts";
import { defaultLeaderElection, defaultTimings } from "../agent/agent-config.ts";
import { type RunningAgent, startAgent } from "../agent/start-agent.ts";
import { generatePushKeyPair } from "../cli/keygen-command.ts";
import { createHealthChecker, type HealthChecker } from "../health/health-checker.ts";
import { loadManifests } from "../manifests/load-manifests.ts";
import type { Logger } from "../observe/logger.ts";
import { EdgePublisher } from "../push/edge-publisher.ts";
import { createPushSigner } from "../push/sign-push-token.ts";
import { type DemoNode, startDemoNode } from "./demo-node.ts";
import { type DemoEndpoint, listDemoEndpoints } from "./demo-topology.ts";
import { fanOutPublisher } from "./fan-out-publisher.ts";
import { checkPortsFree, findFreePort } from "./local-ports.ts";
import { fetchLocal, requestLocal } from "./local-request.ts";
import { LocalStackError, startWranglerDev, throwIfStopped, type WranglerDev } from "./start-wrangler-dev.ts";

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
  readonly health?: HealthSettings;
  /** The https edge's certificate (PEM); absent: wrangler's own local certificate. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** Lines from wrangler (errors, warnings). */
  readonly onEdgeLine?: (line: string) => void;
  /** Aborted during start-up: what was started is stopped and the start fails with STOPPED. */
  readonly signal?: AbortSignal;
}

export interface HealthSettings {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
}

export interface LocalStack {
  readonly httpUrl: string;
  readonly httpsUrl: string | null;
  /** The demo Nodes that are up, by `node@port`. */
  readonly nodes: ReadonlyMap<string, DemoNode>;
  readonly agent: RunningAgent;
  /** Tokens the edge accepts: for tools and tests that talk to the status endpoint. */
  readonly keys: { readonly privateJwk: JWK; readonly publicJwk: JWK };
  /** The agent's health-check cadence: a dead Node leaves the table within about intervalMs × (fall + 1). */
  readonly health: HealthSettings;
  /** The processes it started (wrangler, which starts workerd); each leads its own process group. */
  readonly processIds: readonly number[];
  /** The last table every edge accepted from the agent, and when (ms since the epoch); null before the first. */
  published(): PublishedLocally | null;
  /** An edge's status endpoint (the http edge's unless told), read with a status token. */
  readStatus(edge?: "http" | "https"): Promise<EdgeStatusReport>;
  /** Stops a demo Node's servers (every port), as if the machine died. */
  killNode(node: string): Promise<void>;
  /** Brings a killed demo Node back on the same addresses and ports. */
  reviveNode(node: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PublishedLocally {
  readonly table: RoutingTable;
  readonly at: number;
}

/** What the worker's status endpoint answers (worker/sync/read-status.ts), the parts tools read. */
export interface EdgeStatusReport {
  readonly table: { readonly version: string; readonly generation: number; readonly ageSeconds: number } | null;
  readonly counts: { readonly hosts: number; readonly rules: number; readonly backends: number; readonly nodes: number; readonly targets: number; readonly problems: number } | null;
  readonly down: readonly unknown[];
  readonly [field: string]: unknown;
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
  let stopping: Promise<void> | null = null;
  // Once, however often it is called (Ctrl-C, then the exit path).
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      for (const part of started.reverse()) await part.stop().catch(() => {});
      await rm(state, { recursive: true, force: true });
    })();
    return stopping;
  };
  try {
    const nodes = new Map<string, DemoNode>();
    // Without demo Nodes nothing here stands in for kube-proxy: unless told otherwise, probe the nodePorts.
    const planned = options.demoNodes
      ? await planDemoNodes(options.manifests, options.compile)
      : { compile: options.compile.kubeProxyHealthPort === undefined ? { ...options.compile, kubeProxyHealthPort: null } : options.compile, endpoints: [] };
    const { compile, endpoints } = planned;
    await checkPortsFree([
      { address: "127.0.0.1", port: options.httpPort, what: "edge (http)" },
      ...(options.httpsPort === null ? [] : [{ address: "127.0.0.1", port: options.httpsPort, what: "edge (https)" }]),
      ...endpoints.map((endpoint) => ({ address: endpoint.address, port: endpoint.port, what: `demo node ${endpoint.node}` })),
    ]);
    // Registered before the first is started: a failure or a stop halfway closes those already listening.
    started.push({ stop: () => Promise.all([...nodes.values()].map((n) => n.close())).then(() => {}) });
    for (const endpoint of endpoints) {
      throwIfStopped(options.signal);
      const node = await startDemoNode(endpoint.node, endpoint.address, endpoint.port).catch((error: unknown) => {
        throw new LocalStackError("NODE_START_FAILED", `demo node ${endpoint.node} cannot listen on ${endpoint.address}:${endpoint.port}: ${(error as Error).message}`);
      });
      nodes.set(`${endpoint.node}@${endpoint.port}`, node);
    }

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
    // Each edge has a KV of its own and the agent pushes to both. One KV shared by two workerd processes (as every
    // deployed location shares one namespace) fails here: both open the same SQLite files, and workerd dies on
    // SQLITE_BUSY ("The Workers runtime failed to start") when they meet, at start-up or later.
    const edges: WranglerDev[] = [];
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    throwIfStopped(options.signal);
    const starting = [startWranglerDev({ root: options.root, port: options.httpPort, protocol: "http", vars, stateDir: join(state, "http"), kvDir: join(state, "http", "kv"), ...lineOption(options), ...signal })];
    if (options.httpsPort !== null) {
      const tls = options.tls === undefined ? undefined : await writeCertificate(join(state, "tls"), options.tls);
      starting.push(startWranglerDev({ root: options.root, port: options.httpsPort, protocol: "https", vars, stateDir: join(state, "https"), kvDir: join(state, "https", "kv"), ...(tls === undefined ? {} : { tls }), ...lineOption(options), ...signal }));
    }
    const results = await Promise.allSettled(starting);
    for (const result of results) if (result.status === "fulfilled") edges.push(result.value);
    started.push({ stop: () => Promise.all(edges.map((edge) => edge.stop())).then(() => {}) });
    const failed = results.find((result) => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    const [httpEdge, httpsEdge] = edges;
    if (httpEdge === undefined) throw new LocalStackError("EDGE_START_FAILED", "the http edge did not start");

    throwIfStopped(options.signal);
    // Watched: tools and tests learn which table both edges accepted, and when.
    const sign = await createPushSigner(keys.privateJwk);
    let published: PublishedLocally | null = null;
    const publisher = fanOutPublisher(
      edges.map((edge) => new EdgePublisher({ edgeUrl: edge.url, sign, timeoutMs: defaultTimings.pushTimeoutMs, fetch: fetchLocal })),
      (table) => { published = { table, at: Date.now() }; },
    );
    const healthSettings: HealthSettings = { ...DEMO_HEALTH, ...options.health };
    const health: HealthChecker = createHealthChecker({ ...healthSettings, concurrency: 16, logger: options.logger.child({ component: "health" }) });
    const agent = await startAgent(
      {
        source: { kind: "manifests", dir: options.manifests },
        compile,
        edgeUrl: httpEdge.url,
        privateJwk: keys.privateJwk,
        leaderElection: { ...defaultLeaderElection, enabled: false, namespace: "local", identity: "local" },
        ...defaultTimings,
        debounceMs: 50,
      },
      { logger: options.logger, registry: new Registry(), health, publisher },
    );
    started.push({ stop: async () => { await agent.stop(); await health.stop(); } });
    health.start();
    throwIfStopped(options.signal);

    const killed = new Map<string, DemoNode[]>();
    return {
      httpUrl: httpEdge.url,
      httpsUrl: httpsEdge?.url ?? null,
      nodes,
      agent,
      keys,
      health: healthSettings,
      processIds: edges.flatMap((edge) => (edge.process.child.pid === undefined ? [] : [edge.process.child.pid])),
      published: () => published,
      readStatus: (edge = "http") => readEdgeStatus(edge === "https" && httpsEdge !== undefined ? httpsEdge.url : httpEdge.url, keys.privateJwk),
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

async function readEdgeStatus(edgeUrl: string, privateJwk: JWK): Promise<EdgeStatusReport> {
  const token = await signPushToken(privateJwk, "", Math.floor(Date.now() / 1000), { operation: "status" });
  const response = await requestLocal(`${edgeUrl}/.well-known/edge-ingress/status`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new LocalStackError("EDGE_STATUS_FAILED", `status endpoint answered ${response.status}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as EdgeStatusReport;
}

/**
 * The demo Nodes stand in for kube-proxy too: unless the caller names kube-proxy's health port (or turns it off),
 * they answer its `/healthz` on a port free on every demo address, so that runs side by side never collide.
 */
async function planDemoNodes(manifests: string, given: CompileOptions): Promise<{ compile: CompileOptions; endpoints: DemoEndpoint[] }> {
  const cluster = await loadManifests(manifests);
  const addresses = cluster.nodes.flatMap((node) => (node.status?.addresses ?? []).flatMap((entry) => (entry.address?.startsWith("127.") === true ? [entry.address] : [])));
  const compile = given.kubeProxyHealthPort !== undefined ? given : { ...given, kubeProxyHealthPort: await findFreePort(addresses.length > 0 ? addresses : ["127.0.0.1"]) };
  const result = compileTable(cluster, compile);
  return { compile, endpoints: listDemoEndpoints(await sealTable(result.content, 0), result.kubeProxyHealthPort) };
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
