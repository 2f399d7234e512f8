import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EdgeFleet, startEdgeFleet } from "../../bench/harness/start-edge-fleet.ts";
import type { EdgeProcess } from "../../bench/harness/start-edge-process.ts";
import { signPushToken } from "../../core/push/push-token.ts";
import { toCanonicalJson } from "../../core/table/canonical-json.ts";
import { sealTable } from "../../core/table/hash-table.ts";
import type { RoutingTable } from "../../core/table/schema.ts";
import { advanceHead, manifestKey, partKey } from "../../core/table/table-head.ts";
import { bucketOf, shardTable, sliceKeysFor } from "../../core/table/table-shards.ts";
import { findFreePort } from "../../sync-agent/local/local-ports.ts";
import { requestLocal } from "../../sync-agent/local/local-request.ts";
import { EdgePublisher } from "../../sync-agent/push/edge-publisher.ts";
import { createPushSigner } from "../../sync-agent/push/sign-push-token.ts";
import { generatePushKeys } from "../sync-agent/support/push-keys.ts";

/**
 * Two edge processes — two workerd instances, each with its own isolate and caches — sharing one KV namespace and
 * one version pointer (a Durable Object held by A, reached by B through Miniflare's dev registry), as two locations
 * share them. Pushes go to A only; B learns of them from the pointer alone.
 */
const CHECK_MS = 500;
/** Issue 18's goal: every location serves a push within 5 s. */
const CONVERGED_WITHIN_MS = 5000;
const HOST = "shop.test";
/** Version n of the table routes the host to node-a at ADDRESSES[n] on PORTS[n]: a mixed table would pair one's address with the other's port. */
const ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"] as const;

describe("two edge processes sharing one KV namespace and one version pointer", () => {
  let fleet: EdgeFleet;
  let a: EdgeProcess;
  let b: EdgeProcess;
  let publish: (table: RoutingTable) => Promise<void>;
  let status: (edge: EdgeProcess) => Promise<{ table: { version: string } | null; lastRefresh: { outcome: string } | null; pointer: { kind: string; checkMs: number } }>;
  const ports: number[] = [];
  const servers: Server[] = [];
  let generation = Date.now();

  beforeAll(async () => {
    for (let n = 0; n < ADDRESSES.length; n++) {
      let port: number;
      do port = await findFreePort([...ADDRESSES]);
      while (ports.includes(port));
      ports.push(port);
    }
    // Every address answers on every version's port: with its version when address and port belong together, else "mixed".
    for (const [n, address] of ADDRESSES.entries()) {
      for (const [m, port] of ports.entries()) {
        const server = createServer((_request, response) => response.end(n === m ? `v${n}` : `mixed: address of v${n}, port of v${m}`));
        await new Promise<void>((resolve) => server.listen(port, address, resolve));
        servers.push(server);
      }
    }
    const keys = await generatePushKeys();
    fleet = await startEdgeFleet({ count: 2, pushPublicJwk: keys.publicJwk, pointer: true, vars: { EDGE_POINTER_CHECK_MS: String(CHECK_MS) } });
    [a, b] = fleet.edges as [EdgeProcess, EdgeProcess];
    const publisher = new EdgePublisher({ edgeUrl: a.url, sign: await createPushSigner(keys.privateJwk) });
    publish = async (table) => {
      await publisher.publish(table, toCanonicalJson(table));
    };
    status = async (edge) => {
      const token = await signPushToken(keys.privateJwk, "", Math.floor(Date.now() / 1000), { operation: "status" });
      const answer = await requestLocal(`${edge.url}/.well-known/edge-ingress/status`, { headers: { authorization: `Bearer ${token}` } });
      return JSON.parse(answer.body) as Awaited<ReturnType<typeof status>>;
    };
    await publish(await tableVersion(0));
    await servedBy(b, "v0", 30_000);
  });

  afterAll(async () => {
    await fleet?.stop();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function tableVersion(n: number): Promise<RoutingTable> {
    generation = Math.max(Date.now(), generation + 1);
    return sealTable({
      schema: 1,
      nodes: [{ name: "node-a", address: ADDRESSES[n] ?? "" }],
      hosts: [{ host: HOST, rules: [{ path: "/", pathType: "Prefix", backend: "shop/web:80", ingress: "shop/web" }] }],
      defaultBackend: null,
      backends: [{ id: "shop/web:80", nodePort: ports[n] ?? 0, targets: "all-nodes" }],
      tls: [],
      problems: [],
    }, generation);
  }

  async function answer(edge: EdgeProcess): Promise<string> {
    const response = await requestLocal(`${edge.url}/`, { host: HOST });
    return response.status === 200 ? response.body : `${response.status}`;
  }

  /** Requests the host at `edge` until it answers `wanted`; every answer on the way is returned, the last one `wanted`. */
  async function servedBy(edge: EdgeProcess, wanted: string, withinMs: number): Promise<{ answers: string[]; afterMs: number }> {
    const start = performance.now();
    const answers: string[] = [];
    for (;;) {
      answers.push(await answer(edge));
      if (answers.at(-1) === wanted) return { answers, afterMs: performance.now() - start };
      if (performance.now() - start > withinMs) throw new Error(`${edge.name} did not serve ${wanted} within ${withinMs} ms; it answered ${[...new Set(answers)].join(", ")}`);
    }
  }

  it("asks the Durable Object for the current version, every EDGE_POINTER_CHECK_MS", async () => {
    expect((await status(b)).pointer).toEqual({ kind: "durable-object", checkMs: CHECK_MS });
  });

  it("serves a push made to the other edge within 5 s, never a mix of the two versions", async () => {
    await servedBy(b, "v0", CONVERGED_WITHIN_MS);
    await publish(await tableVersion(1));
    expect(await answer(a)).toBe("v1");
    const { answers } = await servedBy(b, "v1", CONVERGED_WITHIN_MS);
    // One version's rules, then the other's: never a host slice of one with the Nodes of the other.
    expect(answers.every((text) => text === "v0" || text === "v1")).toBe(true);
    expect(answers.indexOf("v1")).toBe(answers.length - 1);
  });

  it("keeps serving the previous version while the new version's keys are not readable there, and takes it once they are", async () => {
    await servedBy(b, "v1", CONVERGED_WITHIN_MS);
    const next = await tableVersion(2);
    const sharded = await shardTable(next);
    const pointer = await a.pointer();
    const head = advanceHead(await pointer.read(), { version: next.version, generation: next.generation, manifest: sharded.manifestHash });
    // The pointer moves first, as when this location's KV has not caught up with the publisher's writes yet.
    expect((await pointer.advance(head)).accepted).toBe(true);
    const kv = await b.kv();
    const previous = (await status(b)).table?.version;
    const seen = await waitFor(b, (report) => report.lastRefresh?.outcome === "pending", "a check finding the manifest missing");
    expect(seen.table?.version).toBe(previous);
    expect(await answer(b)).toBe("v1");

    // The manifest and the index readable, the host's bucket not yet: the version is taken, the host keeps its view.
    const bucket = sharded.manifest.buckets[bucketOf(sliceKeysFor(HOST).exact, sharded.manifest.buckets.length)] ?? "";
    await kv.put(partKey(sharded.manifest.index), sharded.parts.get(sharded.manifest.index) ?? "");
    await kv.put(manifestKey(sharded.manifestHash), sharded.manifestText);
    await waitFor(b, (report) => report.table?.version === next.version, "the new version taken");
    expect(await answer(b)).toBe("v1");

    await kv.put(partKey(bucket), sharded.parts.get(bucket) ?? "");
    // A bucket that could not be read is asked for again after 2 s (worker/table/table-store.ts).
    const { answers } = await servedBy(b, "v2", CONVERGED_WITHIN_MS);
    expect(answers.every((text) => text === "v1" || text === "v2")).toBe(true);
  });

  /** Requests the host and reads the edge's status until `done` holds of the status. */
  async function waitFor(edge: EdgeProcess, done: (report: Awaited<ReturnType<typeof status>>) => boolean, what: string): Promise<Awaited<ReturnType<typeof status>>> {
    const start = performance.now();
    for (;;) {
      // A check happens only inside a request.
      await answer(edge);
      const report = await status(edge);
      if (done(report)) return report;
      if (performance.now() - start > CONVERGED_WITHIN_MS) throw new Error(`${edge.name}: no ${what} within ${CONVERGED_WITHIN_MS} ms; last status ${JSON.stringify({ table: report.table, lastRefresh: report.lastRefresh })}`);
    }
  }
});
