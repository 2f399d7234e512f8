import { createServer } from "node:net";
import { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import { createMetricsRegistry } from "../../../sync-agent/observe/metrics-registry.ts";
import { type ObserveServer, type ObserveServerOptions, type Readiness, startObserveServer } from "../../../sync-agent/observe/observe-server.ts";

const running: ObserveServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function serve(overrides: Partial<ObserveServerOptions> = {}): Promise<{ server: ObserveServer; url: (path: string) => string }> {
  const server = await startObserveServer({
    port: 0,
    host: "127.0.0.1",
    registry: createMetricsRegistry(),
    readiness: () => ({ ready: true }),
    ...overrides,
  });
  running.push(server);
  return { server, url: (path) => `http://127.0.0.1:${server.port}${path}` };
}

describe("startObserveServer", () => {
  it("serves the registry on /metrics in the Prometheus text format", async () => {
    const registry = createMetricsRegistry();
    const pushes = new Counter({ name: "edge_ingress_test_pushes_total", help: "Pushes.", labelNames: ["result"], registers: [registry] });
    pushes.inc({ result: "ok" }, 3);
    const { url } = await serve({ registry });
    const res = await fetch(url("/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toContain("# TYPE edge_ingress_test_pushes_total counter");
    expect(text).toContain('edge_ingress_test_pushes_total{result="ok"} 3');
  });

  it("answers /healthz whenever the process runs, whatever readiness says", async () => {
    const { url } = await serve({ readiness: () => ({ ready: false, reasons: ["caches not synced"] }) });
    const res = await fetch(url("/healthz"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("asks the readiness function on every /readyz and answers 503 with its reasons when not ready", async () => {
    let readiness: Readiness = { ready: false, reasons: ["caches not synced"] };
    const { url } = await serve({ readiness: async () => readiness });
    const before = await fetch(url("/readyz"));
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ ready: false, reasons: ["caches not synced"] });
    readiness = { ready: true };
    const after = await fetch(url("/readyz?verbose"));
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ ready: true });
  });

  it("reports a readiness function that throws as not ready, and logs it", async () => {
    const lines: string[] = [];
    const { url } = await serve({
      readiness: () => {
        throw new Error("lease state unknown");
      },
      logger: createLogger({ write: (line) => lines.push(line) }),
    });
    const res = await fetch(url("/readyz"));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reasons: ["readiness check failed: lease state unknown"] });
    expect(lines.map((line) => JSON.parse(line) as { event: string }).map((entry) => entry.event)).toEqual(["observe.listening", "observe.readiness_failed"]);
  });

  it("answers HEAD without a body, refuses other methods and unknown paths", async () => {
    const { url } = await serve();
    const head = await fetch(url("/healthz"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await fetch(url("/metrics"), { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(url("/"))).status).toBe(404);
    expect((await fetch(url("/metricsx"))).status).toBe(404);
  });

  it("fails at start-up with a typed error when its port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const address = blocker.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      await expect(serve({ port })).rejects.toMatchObject({ code: "OBSERVE_LISTEN", message: expect.stringContaining("EADDRINUSE") });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("stops answering once closed, even with a kept-alive connection open", async () => {
    const { server, url } = await serve();
    await fetch(url("/healthz"), { keepalive: true });
    running.splice(running.indexOf(server), 1);
    await server.close();
    await expect(fetch(url("/healthz"))).rejects.toThrow();
  });
});
