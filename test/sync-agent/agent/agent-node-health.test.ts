import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { createHealthChecker, type HealthChecker } from "../../../sync-agent/health/health-checker.ts";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { freePort, type LoopbackServer, startHttpServer, startTcpServer } from "../health/loopback-servers.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeEdgeClass, kubeIngress, kubeNamedSlice, kubeNode, kubeService } from "../support/kube-objects.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

/*
 * The agent with real health checks over loopback, checking Nodes through kube-proxy's health port. Two Nodes with
 * InternalIPs 127.0.0.2 and .3 (probed) and ExternalIPs 127.0.1.x (in the table). On each InternalIP a stand-in
 * for kube-proxy answers GET /healthz with 200 or, once a test says so, 503 (what kube-proxy answers for a Node being
 * deleted or tainted for deletion, or when its rules are stale); beside it the two Services' nodePorts listen and
 * count connections, which must stay at none.
 */
describe("the agent's checks through kube-proxy's health port", () => {
  let api: FakeKubeApi;
  let edge: EdgeReceiver;
  let agent: TestAgent | null = null;
  let checker: HealthChecker | null = null;
  const servers: LoopbackServer[] = [];
  const status = new Map<string, number>([["127.0.0.2", 200], ["127.0.0.3", 200]]);
  let kubeProxy: LoopbackServer[] = [];
  let nodePorts: LoopbackServer[] = [];

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    edge = new EdgeReceiver();
    await edge.start();
    const first = await startHttpServer("127.0.0.2", () => status.get("127.0.0.2") ?? 500);
    kubeProxy = [first, await startHttpServer("127.0.0.3", () => status.get("127.0.0.3") ?? 500, first.port)];
    const web = await startTcpServer("127.0.0.2");
    const shop = await startTcpServer("127.0.0.2", await freePort("127.0.0.3"));
    nodePorts = [web, shop, await startTcpServer("127.0.0.3", web.port), await startTcpServer("127.0.0.3", shop.port)];
    servers.push(...kubeProxy, ...nodePorts);
    api.apply(kubeEdgeClass());
    api.apply(kubeNode("node-a", "127.0.1.2", { internalAddress: "127.0.0.2" }));
    api.apply(kubeNode("node-b", "127.0.1.3", { internalAddress: "127.0.0.3" }));
    api.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: web.port }]));
    api.apply(kubeService("shop/cart", [{ name: "http", port: 80, nodePort: shop.port }]));
    api.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }], ["http"]));
    api.apply(kubeNamedSlice("cart-1", "shop/cart", [{ node: "node-b" }], ["http"]));
    api.apply(kubeIngress("shop/web", [{ host: "shop.test", path: "/", service: "web", port: 80 }, { host: "shop.test", path: "/cart", service: "cart", port: 80 }]));
  });

  afterEach(async () => {
    await agent?.agent.stop();
    await checker?.stop();
    await Promise.all(servers.splice(0).map((server) => server.close()));
    status.set("127.0.0.2", 200).set("127.0.0.3", 200);
    await edge.stop();
    await api.stop();
  });

  const downs = (table: RoutingTable | undefined) => table?.backends.map((b) => [b.id, b.down ?? [], b.failedOpen ?? false]);

  test("a Node whose kube-proxy answers 503 leaves every Cluster backend, and comes back when it answers 200; no nodePort is probed", async () => {
    checker = createHealthChecker({ intervalMs: 100, timeoutMs: 100, rise: 1, fall: 1, concurrency: 4 });
    agent = await startTestAgent(api, edge, { overrides: { compile: { ...defaultCompileOptions, kubeProxyHealthPort: kubeProxy[0]?.port ?? 0 } }, deps: { health: checker } });
    checker.start();
    await waitFor("both kube-proxies asked twice", () => kubeProxy.every((server) => server.requests.length >= 2));
    await agent.agent.loop.idle();
    expect(downs(edge.latest())).toEqual([["shop/cart:80", [], false], ["shop/web:80", [], false]]);

    status.set("127.0.0.3", 503);
    const degraded = await waitFor("node-b out of both backends", () => {
      const table = edge.latest();
      return table?.backends.every((b) => b.down?.join() === "node-b") === true ? table : undefined;
    });
    // The Nodes the edge connects to are unchanged: only the targets are marked down.
    expect(degraded.nodes.map((n) => [n.name, n.address])).toEqual([["node-a", "127.0.1.2"], ["node-b", "127.0.1.3"]]);
    expect(downs(degraded)).toEqual([["shop/cart:80", ["node-b"], false], ["shop/web:80", ["node-b"], false]]);

    status.set("127.0.0.3", 200);
    await waitFor("node-b back", () => edge.latest()?.backends.every((b) => b.down === undefined));
    expect(new Set(kubeProxy.flatMap((server) => server.requests))).toEqual(new Set(["/healthz"]));
    expect(nodePorts.map((server) => server.connections())).toEqual([0, 0, 0, 0]);
  });

  test("kube-proxy failing on every Node: both backends fail open rather than go dark", async () => {
    status.set("127.0.0.2", 503).set("127.0.0.3", 503);
    checker = createHealthChecker({ intervalMs: 100, timeoutMs: 100, rise: 1, fall: 1, concurrency: 4 });
    agent = await startTestAgent(api, edge, { overrides: { compile: { ...defaultCompileOptions, kubeProxyHealthPort: kubeProxy[0]?.port ?? 0 } }, deps: { health: checker } });
    checker.start();
    const failedOpen = await waitFor("both backends failed open", () => {
      const table = edge.latest();
      return table !== undefined && table.backends.length === 2 && table.backends.every((b) => b.failedOpen === true) ? table : undefined;
    });
    expect(downs(failedOpen)).toEqual([["shop/cart:80", [], true], ["shop/web:80", [], true]]);
  });
});
