import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { healthCheckKey } from "../../../core/health/health-check-key.ts";
import { type ActiveCheck, listHealthChecks } from "../../../core/health/list-health-checks.ts";
import type { Backend, TableNode } from "../../../core/table/schema.ts";
import { createHealthChecker, type HealthChecker, type HealthCheckerOptions } from "../../../sync-agent/health/health-checker.ts";
import { type LoopbackServer, startHangingServer, startHttpServer, startHttpsServer, startTcpServer } from "./loopback-servers.ts";

/*
 * The checker on the system clock against real servers on loopback "Nodes" 127.0.0.2, .3 and .4. Tests wait
 * for events, never for fixed times; the short interval only keeps them quick.
 */

const ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"] as const;
const nodes: TableNode[] = ADDRESSES.map((address, i) => ({ name: `node-${"abc"[i] ?? ""}`, address }));
const fast = { intervalMs: 150, timeoutMs: 150, rise: 2, fall: 2, concurrency: 4 } as const;

const servers: LoopbackServer[] = [];
const checkers: HealthChecker[] = [];
afterEach(async () => {
  await Promise.all(checkers.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function started(server: Promise<LoopbackServer>): Promise<LoopbackServer> {
  const s = await server;
  servers.push(s);
  return s;
}

function startChecker(checks: readonly ActiveCheck[], options: Partial<HealthCheckerOptions> = {}): HealthChecker {
  const checker = createHealthChecker({ ...fast, ...options });
  checkers.push(checker);
  checker.setChecks(checks);
  checker.start();
  return checker;
}

/** The next unhealthy set the checker reports. */
function nextChange(checker: HealthChecker): Promise<string[]> {
  return new Promise((resolve) => {
    const off = checker.onChange((unhealthy) => {
      off();
      resolve([...unhealthy].sort());
    });
  });
}

/**
 * Resolves once the checker's unhealthy set is exactly `keys`. Waiting for a state rather than for the next
 * change: on a loaded machine a healthy probe may time out now and then, and such a blip passes after `rise`
 * checks instead of failing the test.
 */
async function settlesTo(checker: HealthChecker, keys: readonly string[]): Promise<void> {
  const want = [...keys].sort();
  await expect.poll(() => [...checker.unhealthy()].sort(), { timeout: 10_000, interval: 10 }).toEqual(want);
}

/** Resolves once the server has seen `count` more requests or connections than now. */
async function seen(count: () => number, more: number): Promise<void> {
  const target = count() + more;
  await expect.poll(count, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(target);
}

describe("createHealthChecker, against real servers", () => {
  it("takes a Node whose nodePort stops listening out, and only that one", async () => {
    // One nodePort on three Nodes: each server listens on the same port number of its own address.
    const first = await started(startTcpServer("127.0.0.2"));
    const rest = await Promise.all(["127.0.0.3", "127.0.0.4"].map((a) => started(startTcpServer(a, first.port))));
    const backend: Backend = { id: "default/web:80", nodePort: first.port, targets: "all-nodes" };
    const checker = startChecker(listHealthChecks({ nodes, backends: [backend] }, new Map(), null));
    await seen(() => servers.reduce((n, s) => n + s.connections(), 0), 6);
    await settlesTo(checker, []);

    await rest[0]?.close();
    await settlesTo(checker, [`tcp://127.0.0.3:${first.port}`]);
  });

  it("takes out a Local-policy Node whose kube-proxy answers 503, and brings it back after `rise` passes", async () => {
    let status = 503;
    const healthy = await started(startHttpServer("127.0.0.2", () => 200));
    const empty = await started(startHttpServer("127.0.0.3", () => status, healthy.port));
    const backend: Backend = {
      id: "default/api:80",
      nodePort: 30_081,
      trafficPolicy: "Local",
      healthCheckNodePort: healthy.port,
      healthCheck: { kind: "http", path: "/healthz", port: healthy.port },
      targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }],
    };
    const checker = startChecker(listHealthChecks({ nodes, backends: [backend] }, new Map(), null));
    const emptyKey = healthCheckKey({ kind: "http", path: "/healthz" }, "127.0.0.3", healthy.port);
    await settlesTo(checker, [emptyKey]);
    expect(healthy.requests.every((path) => path === "/healthz")).toBe(true);

    const passesBefore = empty.requests.length;
    // Counted the moment the change is reported: a later count could include the next run's request.
    const recovery = new Promise<{ unhealthy: string[]; passes: number }>((resolve) => {
      const off = checker.onChange((unhealthy) => {
        off();
        resolve({ unhealthy: [...unhealthy], passes: empty.requests.length - passesBefore });
      });
    });
    status = 200;
    // Recovery came on the `rise`-th pass, not before.
    expect(await recovery).toEqual({ unhealthy: [], passes: fast.rise });
  });

  it("checks an HTTPS backend's health-check path over TLS, taking out the Node that answers 503, by the key the compiler marks down", async () => {
    const serving = await started(startHttpsServer("127.0.0.2", () => 200));
    const failing = await started(startHttpsServer("127.0.0.3", () => 503, serving.port));
    const backend: Backend = {
      id: "default/secure:443@default/shop",
      nodePort: serving.port,
      protocol: "https",
      healthCheck: { kind: "http", path: "/ready" },
      targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }],
    };
    const checker = startChecker(listHealthChecks({ nodes, backends: [backend] }, new Map(), null));
    expect(await nextChange(checker)).toEqual([healthCheckKey({ kind: "http", path: "/ready" }, "127.0.0.3", serving.port, "https")]);
    expect(serving.requests.every((path) => path === "/ready")).toBe(true);
    expect(failing.requests.length).toBeGreaterThanOrEqual(fast.fall);
    expect(checker.unhealthy().size).toBe(1);
  });

  it("times out a Node that accepts connections and never answers", async () => {
    const hung = await started(startHangingServer("127.0.0.4"));
    const registry = new Registry();
    const check: ActiveCheck = { key: `http://127.0.0.4:${hung.port}/healthz`, kind: "http", address: "127.0.0.4", port: hung.port, path: "/healthz", scheme: "http", nodes: ["node-c"] };
    const checker = startChecker([check], { registry });
    expect(await nextChange(checker)).toEqual([check.key]);
    const text = await registry.metrics();
    expect(text).toMatch(/edge_ingress_health_check_failures_total\{kind="http",code="timeout"\} [2-9]/);
    expect(text).toContain("edge_ingress_health_targets_unhealthy 1");
  });

  it("GETs the health-check-path annotation's path on the nodePort, and fails the Node on a 404", async () => {
    const good = await started(startHttpServer("127.0.0.2", () => 200));
    const missing = await started(startHttpServer("127.0.0.3", () => 404, good.port));
    const backend: Backend = { id: "default/web:80@default/site", nodePort: good.port, healthCheck: { kind: "http", path: "/ready" }, targets: "all-nodes" };
    const checker = startChecker(listHealthChecks({ nodes: nodes.slice(0, 2), backends: [backend] }, new Map(), null));
    await settlesTo(checker, [`http://127.0.0.3:${good.port}/ready`]);
    expect(new Set([...good.requests, ...missing.requests])).toEqual(new Set(["/ready"]));
  });

  it("stops probing a Node once its check is dropped", async () => {
    const a = await started(startTcpServer("127.0.0.2"));
    const b = await started(startTcpServer("127.0.0.3"));
    const checkOf = (s: LoopbackServer): ActiveCheck => ({ key: `tcp://${s.address}:${s.port}`, kind: "tcp", address: s.address, port: s.port, nodes: [] });
    const checker = startChecker([checkOf(a), checkOf(b)]);
    await seen(b.connections, 1);
    checker.setChecks([checkOf(a)]);
    const dropped = b.connections();
    await seen(a.connections, 3);
    expect(b.connections()).toBe(dropped);
  });
});
