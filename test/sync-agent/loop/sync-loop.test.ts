import { afterEach, describe, expect, test, vi } from "vitest";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import type { ActiveCheck } from "../../../core/health/list-health-checks.ts";
import type { HealthSource } from "../../../sync-agent/loop/health-source.ts";
import type { Leadership } from "../../../sync-agent/loop/leadership.ts";
import { soleLeader } from "../../../sync-agent/loop/leadership.ts";
import { noHealthChecks } from "../../../sync-agent/loop/health-source.ts";
import { SyncLoop, type SyncLoopOptions } from "../../../sync-agent/loop/sync-loop.ts";
import type { TargetGate } from "../../../sync-agent/loop/target-gate.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import { createSyncMetrics } from "../../../sync-agent/observe/sync-metrics.ts";
import { Registry } from "prom-client";
import { cluster, ingress, node, service, slice } from "../../support/cluster-builder.ts";
import { MemoryClusterSource } from "../support/memory-cluster-source.ts";
import { RecordingPublisher } from "../support/recording-publisher.ts";
import { waitFor } from "../support/wait-for.ts";

const shop = (replicas: { node: string; ready?: boolean }[], extraHost?: string) => cluster({
  services: [service("shop/web", [{ port: 80, nodePort: 30080 }])],
  endpointSlices: [slice("shop/web", replicas)],
  ingresses: [
    ingress("shop/web", [{ host: "shop.test", service: "web", port: 80 }, ...(extraHost === undefined ? [] : [{ host: extraHost, service: "web", port: 80 }])]),
  ],
});

describe("the sync loop", () => {
  const loops: SyncLoop[] = [];
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((loop) => loop.stop()));
  });

  function startLoop(overrides: Partial<SyncLoopOptions> = {}) {
    const source = new MemoryClusterSource();
    const publisher = new RecordingPublisher();
    const loop = new SyncLoop({
      source,
      publisher,
      compileOptions: defaultCompileOptions,
      health: noHealthChecks,
      leadership: soleLeader,
      logger: createLogger({ write: () => {} }),
      debounceMs: 20,
      minPublishIntervalMs: 200,
      retry: { initialMs: 30, maxMs: 200, factor: 2, jitter: 0 },
      ...overrides,
    });
    loops.push(loop);
    loop.start();
    return { source, publisher, loop };
  }

  test("publishes nothing before the cluster is synced: an empty cache must never wipe the edge", async () => {
    const { publisher, loop } = startLoop();
    await loop.idle(); // the run that start() schedules has come and gone
    expect(publisher.attempts).toBe(0);
    expect(loop.notReadyReasons()).toContain("cluster not synced yet");
  });

  test("publishes the compiled table once synced, sealed with its content hash", async () => {
    const { source, publisher, loop } = startLoop();
    source.set(shop([{ node: "node-a" }]));
    await waitFor("a push", () => publisher.published.length === 1);
    const { table, body } = publisher.published[0] ?? { table: null, body: "" };
    expect(table?.hosts.map((h) => h.host)).toEqual(["shop.test"]);
    expect(JSON.parse(body)).toEqual(table);
    expect(loop.lastPublished()?.version).toBe(table?.version);
    expect(loop.notReadyReasons()).toEqual([]);
  });

  test("logs an error when the edge answers that its transport cannot reach the pushed table's targets", async () => {
    const lines: string[] = [];
    const { source, publisher } = startLoop({ logger: createLogger({ write: (line) => lines.push(line) }) });
    publisher.receipt = { edgeTransport: { name: "fetch", ready: false, unreachableTargets: 1, code: "target-needs-hostname", problem: "target has no DNS name" } };
    source.set(shop([{ node: "node-a" }]));
    await waitFor("the error logged", () => lines.some((line) => line.includes('"edge-cannot-reach-targets"')));
    expect(publisher.published).toHaveLength(1);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === "edge-cannot-reach-targets");
    expect(logged).toMatchObject({ level: "error", transport: "fetch", unreachableTargets: 1 });
    expect(logged?.message).toContain("targets have no DNS names; the fetch transport cannot reach them");
    expect(logged?.message).toContain("--node-domain");
  });

  test("says nothing of the transport when the edge reaches every target", async () => {
    const lines: string[] = [];
    const { source, publisher } = startLoop({ logger: createLogger({ write: (line) => lines.push(line) }) });
    publisher.receipt = { edgeTransport: { name: "fetch", ready: true, unreachableTargets: 0 } };
    source.set(shop([{ node: "node-a" }]));
    await waitFor("the push logged", () => lines.some((line) => line.includes('"table-pushed"')));
    expect(lines.join("")).not.toContain("edge-cannot-reach-targets");
  });

  test("a burst of events collapses into one compile and one push", async () => {
    const { source, publisher, loop } = startLoop();
    source.set(shop([{ node: "node-a" }]));
    await waitFor("the first push", () => publisher.published.length === 1);
    for (let i = 0; i < 20; i++) source.set(shop([{ node: "node-a" }], `h${i}.test`));
    await loop.idle(); // every run the burst caused, the wait for the publish interval included, is over
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[1]?.table.hosts.map((h) => h.host)).toContain("h19.test");
  });

  test("an event that does not change the table pushes nothing", async () => {
    const metrics = createSyncMetrics(new Registry());
    const compileCount = async () => (await metrics.compiles.get()).values[0]?.value ?? 0;
    const { source, publisher, loop } = startLoop({ metrics });
    source.set(shop([{ node: "node-a" }]));
    await waitFor("the first push", () => publisher.published.length === 1);
    await loop.idle();
    const compiles = await compileCount();
    source.set(shop([{ node: "node-a" }])); // a new object, the same table
    source.set({ ...shop([{ node: "node-a" }]), services: [...shop([]).services, service("other/db", [{ port: 5432 }])] });
    await loop.idle();
    expect(await compileCount()).toBe(compiles + 1); // the events were compiled…
    expect(publisher.published).toHaveLength(1); // …into the table already published
  });

  test("counts the ingress-nginx annotations served without and the Ingresses refused, in its metrics", async () => {
    const metrics = createSyncMetrics(new Registry());
    const { source, publisher, loop } = startLoop({ metrics });
    const base = shop([{ node: "node-a" }]);
    source.set({
      ...base,
      ingresses: [
        ingress("shop/web", [{ host: "shop.test", service: "web", port: 80 }], {
          annotations: { "nginx.ingress.kubernetes.io/limit-rps": "5", "nginx.ingress.kubernetes.io/custom-http-errors": "404" },
        }),
        ingress("shop/admin", [{ host: "admin.test", service: "web", port: 80 }], { annotations: { "nginx.ingress.kubernetes.io/auth-url": "http://auth/" } }),
      ],
    });
    await waitFor("the first push", () => publisher.published.length === 1);
    await loop.idle();
    expect((await metrics.ignoredAnnotations.get()).values[0]?.value).toBe(2);
    expect((await metrics.refusedIngresses.get()).values[0]?.value).toBe(1);
    expect(publisher.published[0]?.table.hosts.map((h) => h.host)).toEqual(["shop.test"]);
  });

  test("publishes at most once per interval, then catches up with the newest state", async () => {
    const metrics = createSyncMetrics(new Registry());
    const { source, publisher, loop } = startLoop({ minPublishIntervalMs: 300, metrics });
    source.set(shop([{ node: "node-a" }]));
    await waitFor("the first push", () => publisher.published.length === 1);
    source.set(shop([{ node: "node-a" }], "a.test"));
    await waitFor("a.test compiled", async () => (await metrics.compiles.get()).values[0]?.value === 2);
    source.set(shop([{ node: "node-a" }], "b.test"));
    await waitFor("b.test pushed", () => publisher.published.at(-1)?.table.hosts.some((h) => h.host === "b.test"));
    await loop.idle();
    // Normally a.test waits out the interval and goes with b.test; a stalled machine may push it on its own first.
    // Either way no two pushes come closer than the interval, and the last one carries the newest state.
    const gaps = publisher.published.slice(1).map((push, i) => push.at - (publisher.published[i]?.at ?? 0));
    expect(gaps.every((gap) => gap >= 295), JSON.stringify(gaps)).toBe(true);
    expect(publisher.published.length).toBeLessThanOrEqual(3);
  });

  test("generations strictly increase even when the clock stands still", async () => {
    const { source, publisher } = startLoop({ now: () => 5000, minPublishIntervalMs: 0 });
    source.set(shop([{ node: "node-a" }]));
    await waitFor("push 1", () => publisher.published.length === 1);
    source.set(shop([{ node: "node-a" }], "two.test"));
    await waitFor("push 2", () => publisher.published.length === 2);
    source.set(shop([{ node: "node-a" }], "three.test"));
    await waitFor("push 3", () => publisher.published.length === 3);
    expect(publisher.published.map((p) => p.table.generation)).toEqual([5000, 5001, 5002]);
  });

  test("a failed push is retried with backoff, and the retry carries the newest table", async () => {
    const { source, publisher } = startLoop({ minPublishIntervalMs: 0 });
    publisher.failNext(2);
    source.set(shop([{ node: "node-a" }]));
    await waitFor("two failed attempts", () => publisher.attempts === 2);
    source.set(shop([{ node: "node-a" }], "late.test"));
    await waitFor("the successful retry", () => publisher.published.length === 1, 15_000);
    expect(publisher.published[0]?.table.hosts.map((h) => h.host)).toContain("late.test");
  });

  test("a failed push that names a Retry-After is not retried sooner than that, whatever the backoff says", async () => {
    const { source, publisher } = startLoop();
    publisher.failNext(1, 400);
    source.set(shop([{ node: "node-a" }]));
    await waitFor("the retry succeeding", () => publisher.published.length === 1);
    const [first = 0, second = 0] = publisher.attemptedAt;
    expect(second - first).toBeGreaterThanOrEqual(390);
  });

  test("only the leader publishes; a replica that becomes leader publishes its table even if unchanged", async () => {
    let leader = false;
    const listeners: ((leader: boolean) => void)[] = [];
    const leadership: Leadership = { isLeader: () => leader, onChange: (l) => listeners.push(l) };
    const { source, publisher, loop } = startLoop({ leadership });
    source.set(shop([{ node: "node-a" }]));
    await loop.idle();
    expect(loop.lastPublished()).toBeNull();
    expect(publisher.attempts).toBe(0);
    expect(loop.notReadyReasons()).toEqual([]); // a standby is ready, with its table compiled
    leader = true;
    listeners.forEach((l) => l(true));
    await waitFor("the new leader's push", () => publisher.published.length === 1);
  });

  for (const [kubeProxyHealthPort, keys] of [
    [undefined, ["http://127.0.0.2:10256/healthz", "http://127.0.0.3:10256/healthz"]],
    [null, ["tcp://127.0.0.2:30080", "tcp://127.0.0.3:30080"]],
  ] as const) {
    test(`marks the targets the health source reports as down, and recompiles when it changes (kube-proxy's health port ${kubeProxyHealthPort === null ? "off" : "by default"})`, async () => {
      let unhealthy = new Set<string>();
      let notify = () => {};
      let checks: readonly ActiveCheck[] = [];
      const health: HealthSource = {
        unhealthy: () => unhealthy,
        onChange: (listener) => { notify = listener; return () => {}; },
        setChecks: (c) => { checks = c; },
      };
      const compileOptions = kubeProxyHealthPort === null ? { ...defaultCompileOptions, kubeProxyHealthPort } : defaultCompileOptions;
      const { source, publisher } = startLoop({ health, minPublishIntervalMs: 0, compileOptions });
      source.set(cluster({ ...shop([{ node: "node-a" }]), nodes: [node("node-a", "127.0.0.2"), node("node-b", "127.0.0.3")] }));
      await waitFor("the first push", () => publisher.published.length === 1);
      expect(checks.map((c) => c.key)).toEqual(keys);
      unhealthy = new Set([keys[1]]);
      notify();
      await waitFor("the push without node-b", () => publisher.published.length === 2);
      expect(publisher.published[1]?.table.backends[0]?.down).toEqual(["node-b"]);
    });
  }

  test("a retry that falls due while a slow push is still in flight runs after it, not never", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let prepared = 0;
      const targetGate: TargetGate = {
        // The first pass holds node-a out and asks to be asked again after the backoff (30 ms).
        prepare: async () => (++prepared === 1 ? { withheld: new Map([["node-a", "record not in place"]]), retry: true } : { withheld: new Map(), retry: false }),
        cleanUp: async () => {},
      };
      let release = () => {};
      const held = new Promise<void>((resolve) => { release = resolve; });
      const publisher = new RecordingPublisher();
      const publish = publisher.publish.bind(publisher);
      publisher.publish = async (table, body) => {
        if (publisher.attempts === 0) await held;
        return publish(table, body);
      };
      const { source } = startLoop({ targetGate, publisher, minPublishIntervalMs: 0 });
      source.set(shop([{ node: "node-a" }]));
      await vi.advanceTimersByTimeAsync(20);
      await vi.waitFor(() => expect(prepared).toBe(1), { timeout: 30_000 });
      await vi.advanceTimersByTimeAsync(100); // the gate's retry falls due while the first push hangs
      release();
      await vi.waitFor(async () => {
        await vi.advanceTimersByTimeAsync(50);
        expect(publisher.published).toHaveLength(2);
      }, { timeout: 30_000, interval: 20 });
      expect(prepared).toBe(2);
      expect(publisher.published[0]?.table.nodes.map((n) => n.name)).not.toContain("node-a");
      expect(publisher.published[1]?.table.nodes.map((n) => n.name)).toContain("node-a");
    } finally {
      vi.useRealTimers();
    }
  });

  test("the debounce is capped at 250 ms whatever is configured", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { source, publisher, loop } = startLoop({ debounceMs: 10_000 });
      source.set(shop([{ node: "node-a" }]));
      await vi.advanceTimersByTimeAsync(249);
      expect(publisher.attempts).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      await loop.idle(); // the run the 250 ms timer started, hashing and pushing on real time
      expect(publisher.published).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
