import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { ProbeAddress } from "../../../core/compile/compile-options.ts";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import type { Backend, RoutingTable } from "../../../core/table/schema.ts";
import { createHealthChecker, type HealthChecker } from "../../../sync-agent/health/health-checker.ts";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { type LoopbackServer, startTcpServer } from "../health/loopback-servers.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeEdgeClass, kubeIngress, kubeNamedSlice, kubeNode, kubeService } from "../support/kube-objects.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

/*
 * The agent with real health checks over loopback. Each Node has an InternalIP (127.0.42.x, what a Pod reaches)
 * and an ExternalIP (127.0.43.x, where nothing listens: the public address behind a firewall open only to the
 * edge). The shop Service's nodePort is a port a test opens on the InternalIPs when it wants a check to pass:
 * kube-proxy's health port is off, so the nodePorts are what is probed (agent-node-health.test.ts covers the
 * shared per-Node check).
 */
describe("the agent's health checks against a firewalled cluster", () => {
  let api: FakeKubeApi;
  let edge: EdgeReceiver;
  let agent: TestAgent | null = null;
  let checker: HealthChecker | null = null;
  let nodePort: number;
  const servers: LoopbackServer[] = [];
  let guard: LoopbackServer | undefined;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    edge = new EdgeReceiver();
    await edge.start();
    // The nodePort: nothing listens on it at the Nodes' addresses until a test says so. The addresses are this
    // file's own, and the port stays held by a listener on yet another address for the whole test: a listener of
    // another test bound to every address (a metrics port 0, say) could otherwise be given this port and pass a
    // check that must fail — Linux refuses a bind to every address on a port something listens on.
    guard = await startTcpServer("127.0.44.1");
    nodePort = guard.port;
    api.apply(kubeEdgeClass());
    api.apply(kubeNode("node-a", "127.0.43.2", { internalAddress: "127.0.42.2" }));
    api.apply(kubeNode("node-b", "127.0.43.3", { internalAddress: "127.0.42.3" }));
    api.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort }]));
    api.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }], ["http"]));
    api.apply(kubeIngress("shop/web", [{ host: "shop.test", service: "web", port: 80 }]));
  });

  afterEach(async () => {
    await agent?.agent.stop();
    await checker?.stop();
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await guard?.close();
    await edge.stop();
    await api.stop();
  });

  async function start(probeAddress?: ProbeAddress): Promise<{ agent: TestAgent; checker: HealthChecker }> {
    const active = createHealthChecker({ intervalMs: 100, timeoutMs: 100, rise: 1, fall: 1, concurrency: 4 });
    checker = active;
    const withoutKubeProxy = { ...defaultCompileOptions, kubeProxyHealthPort: null };
    const compile = probeAddress === undefined ? withoutKubeProxy : { ...withoutKubeProxy, probeAddress };
    agent = await startTestAgent(api, edge, { overrides: { compile }, deps: { health: active } });
    active.start();
    return { agent, checker: active };
  }

  const shop = (table: RoutingTable | undefined): Backend | undefined => table?.backends.find((b) => b.id === "shop/web:80");
  const pushed = (what: string, check: (backend: Backend) => boolean) =>
    waitFor(what, () => {
      const backend = shop(edge.latest());
      return backend !== undefined && check(backend) ? backend : undefined;
    });
  const failedOpenGauge = async (running: TestAgent): Promise<number | undefined> =>
    (await running.registry.getSingleMetric("edge_ingress_backends_failed_open")?.get())?.values[0]?.value;
  const failOpenEvents = () =>
    api.list("Event").filter((e) => (e.involvedObject as { name?: string }).name === "web" && String(e.message).includes("failing open"));

  test("every probe of a backend failing: the table keeps its targets, flagged failed open, with an Event and the metric; one target passing clears it", async () => {
    const { agent: running } = await start();
    const failedOpen = await pushed("the backend failed open", (b) => b.failedOpen === true);
    expect(failedOpen).toEqual({ id: "shop/web:80", nodePort, targets: "all-nodes", failedOpen: true });
    expect(edge.latest()?.problems.map((p) => p.object)).toEqual(["shop/web"]);
    const events = await waitFor("a Warning Event on the Ingress", () => (failOpenEvents().length > 0 ? failOpenEvents() : undefined));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "Warning", reason: "EdgeIngressProblem", involvedObject: { kind: "Ingress", namespace: "shop", name: "web" } });
    expect(await failedOpenGauge(running)).toBe(1);

    servers.push(await startTcpServer("127.0.42.3", nodePort));
    const recovered = await pushed("node-b back, node-a still down", (b) => b.failedOpen === undefined);
    expect(recovered).toEqual({ id: "shop/web:80", nodePort, targets: "all-nodes", down: ["node-a"] });
    expect(edge.latest()?.problems).toEqual([]);
    expect(await failedOpenGauge(running)).toBe(0);
  });

  test("by default the checks probe the InternalIPs, so unreachable ExternalIPs take no target out; --probe-address external probes those", async () => {
    servers.push(await startTcpServer("127.0.42.2", nodePort), await startTcpServer("127.0.42.3", nodePort));
    const internal = await start();
    // Two passing rounds over both Nodes: had any check failed (fall 1), the table would have changed.
    await waitFor("both InternalIPs checked twice", () => servers.every((server) => server.connections() >= 2));
    expect(internal.checker.unhealthy()).toEqual(new Set());
    await internal.agent.agent.loop.idle();
    expect(shop(edge.latest())).toEqual({ id: "shop/web:80", nodePort, targets: "all-nodes" });
    expect(edge.latest()?.nodes.map((n) => n.address)).toEqual(["127.0.43.2", "127.0.43.3"]);
    await internal.agent.agent.stop();
    await internal.checker.stop();

    // Fresh listeners on the InternalIPs, counting from zero: a last connection of the stopped checker that the
    // old ones accept late cannot be taken for a probe of the new agent.
    await Promise.all(servers.splice(0).map((server) => server.close()));
    servers.push(await startTcpServer("127.0.42.2", nodePort), await startTcpServer("127.0.42.3", nodePort));
    await start("external");
    await pushed("the ExternalIPs failing: failed open", (b) => b.failedOpen === true);
    expect(servers.map((server) => server.connections())).toEqual([0, 0]);
  });
});
