import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { seedShop } from "../support/demo-cluster.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeEdgeClass, kubeIngress, kubeNamedSlice, kubeNode, kubeService } from "../support/kube-objects.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

describe("the agent against a Kubernetes API server", () => {
  let api: FakeKubeApi;
  let edge: EdgeReceiver;
  let agent: TestAgent;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    edge = new EdgeReceiver();
    await edge.start();
    seedShop(api);
    agent = await startTestAgent(api, edge);
    await waitFor("the first push", () => edge.pushes.length > 0);
  });

  afterEach(async () => {
    await agent.agent.stop();
    await edge.stop();
    await api.stop();
  });

  /** Waits until the edge holds a table for which `check` holds. */
  const pushed = (what: string, check: (table: RoutingTable) => boolean, timeoutMs = 30_000) =>
    waitFor(what, () => {
      const table = edge.latest();
      return table !== undefined && check(table) ? table : undefined;
    }, timeoutMs);
  const hosts = (table: RoutingTable) => table.hosts.map((h) => h.host);
  const nodes = (table: RoutingTable) => table.nodes.map((n) => n.name);
  const shopBackend = (table: RoutingTable) => table.backends.find((b) => b.id.startsWith("shop/web:"));

  test("publishes the cluster's table to the edge as the leader, signed and verified", () => {
    const table = edge.latest();
    expect(table === undefined ? [] : hosts(table)).toEqual(["shop.test"]);
    expect(edge.pushes[0]?.signer).toBe("agent-1");
    expect(agent.agent.isLeader()).toBe(true);
    expect(agent.agent.notReadyReasons()).toEqual([]);
  });

  describe("every change of every watched kind reaches the pushed table", () => {
    test("Ingress: create, update, delete", async () => {
      api.apply(kubeIngress("shop/api", [{ host: "api.test", service: "web", port: 80 }]));
      await pushed("api.test added", (t) => hosts(t).includes("api.test"));
      api.apply(kubeIngress("shop/api", [{ host: "api.test", path: "/v2", service: "web", port: 80 }]));
      await pushed("the /v2 path", (t) => t.hosts.find((h) => h.host === "api.test")?.rules[0]?.path === "/v2");
      api.remove("Ingress", "shop", "api");
      await pushed("api.test removed", (t) => !hosts(t).includes("api.test"));
    });

    test("IngressClass: update to another controller, delete, create as the default class", async () => {
      api.apply(kubeEdgeClass({ controller: "example.com/other" }));
      await pushed("nothing served under a foreign class", (t) => t.hosts.length === 0 && t.problems.some((p) => p.kind === "IngressClass"));
      api.remove("IngressClass", null, "edge");
      await pushed("served again without the class object", (t) => hosts(t).includes("shop.test"));
      api.apply(kubeIngress("shop/classless", [{ host: "classless.test", service: "web", port: 80 }], { className: null }));
      api.apply(kubeEdgeClass({ isDefault: true }));
      await pushed("the class-less Ingress under the default class", (t) => hosts(t).includes("classless.test"));
    });

    test("Service: update the nodePort, delete, create", async () => {
      api.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: 30099 }]));
      await pushed("the new nodePort", (t) => shopBackend(t)?.nodePort === 30099);
      api.remove("Service", "shop", "web");
      await pushed("the backend left out", (t) => shopBackend(t) === undefined && t.problems.some((p) => p.reason.includes("Service shop/web not found")));
      api.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: 30080 }]));
      await pushed("the backend back", (t) => shopBackend(t)?.nodePort === 30080);
    });

    test("EndpointSlice: readiness changes, delete, create", async () => {
      api.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a", ready: false }], ["http"]));
      await pushed("no ready endpoint: no targets", (t) => JSON.stringify(shopBackend(t)?.targets) === "[]");
      api.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a", ready: true }], ["http"]));
      await pushed("ready again: every Node", (t) => shopBackend(t)?.targets === "all-nodes");
      api.remove("EndpointSlice", "shop", "web-1");
      await pushed("no slice: no targets", (t) => JSON.stringify(shopBackend(t)?.targets) === "[]");
      api.apply(kubeNamedSlice("web-2", "shop/web", [{ node: "node-b" }], ["http"]));
      await pushed("a new slice: targets", (t) => shopBackend(t)?.targets === "all-nodes");
    });

    test("Node: create, NotReady, delete", async () => {
      api.apply(kubeNode("node-d", "127.0.0.5"));
      await pushed("node-d added", (t) => nodes(t).includes("node-d"));
      api.apply(kubeNode("node-d", "127.0.0.5", { ready: false }));
      await pushed("node-d NotReady is no target", (t) => !nodes(t).includes("node-d"));
      api.apply(kubeNode("node-d", "127.0.0.5"));
      await pushed("node-d Ready again", (t) => nodes(t).includes("node-d"));
      api.remove("Node", null, "node-d");
      await pushed("node-d deleted", (t) => !nodes(t).includes("node-d"));
    });
  });

  test("externalTrafficPolicy Local: only Nodes with ready endpoints, weighted, checked on the healthCheckNodePort", async () => {
    api.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: 30080 }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32000 }));
    api.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }, { node: "node-c" }, { node: "node-c" }, { node: "node-b", ready: false }], ["http"]));
    const table = await pushed("Local targets", (t) => shopBackend(t)?.trafficPolicy === "Local" && Array.isArray(shopBackend(t)?.targets));
    const backend = shopBackend(table);
    expect(backend?.targets).toEqual([{ node: "node-a", weight: 1 }, { node: "node-c", weight: 2 }]);
    expect(backend?.healthCheck).toEqual({ kind: "http", path: "/healthz", port: 32000 });
  });

  test("a broken Ingress is reported (one Warning Event, not one per loop) while the rest is served", async () => {
    api.apply(kubeIngress("shop/broken", [{ host: "broken.test", service: "missing", port: 80 }, { host: "fine.test", service: "web", port: 80 }]));
    await pushed("the good rule served", (t) => hosts(t).includes("fine.test") && !hosts(t).includes("broken.test"));
    const events = await waitFor("a Warning Event", () => {
      const found = api.list("Event").filter((e) => (e.involvedObject as { name?: string }).name === "broken");
      return found.length > 0 ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "Warning", reason: "EdgeIngressProblem", involvedObject: { kind: "Ingress", namespace: "shop" } });
    expect(String(events[0]?.message)).toContain("Service shop/missing not found");
    // More loops: new pushes, no new Event. The loop runs one compile at a time and writes status before Events,
    // so once the second change's status is written, every write the first change caused is done.
    api.apply(kubeIngress("shop/api", [{ host: "api.test", service: "web", port: 80 }]));
    await pushed("another change", (t) => hosts(t).includes("api.test"));
    api.apply(kubeIngress("shop/api2", [{ host: "api2.test", service: "web", port: 80 }]));
    await waitFor("the status of the change after it", () => (api.get("Ingress", "shop", "api2").status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress?.length === 1);
    expect(api.requests.filter((r) => r.resource === "events" && r.verb === "create")).toHaveLength(1);
  });

  test("writes the edge hostname into the status of served Ingresses, once, and clears it when no longer served", async () => {
    await waitFor("status written", () => {
      const status = api.get("Ingress", "shop", "web").status as { loadBalancer?: { ingress?: { hostname?: string }[] } } | undefined;
      return status?.loadBalancer?.ingress?.[0]?.hostname === "edge.example.test";
    });
    api.apply(kubeIngress("shop/api", [{ host: "api.test", service: "web", port: 80 }]));
    await pushed("another change", (t) => hosts(t).includes("api.test"));
    await waitFor("api status", () => (api.get("Ingress", "shop", "api").status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress?.length === 1);
    const writes = api.requests.filter((r) => r.resource === "ingresses" && r.subresource === "status" && r.name === "web");
    expect(writes).toHaveLength(1);
    // Moving the Ingress to another class: our entry goes.
    const web = api.get("Ingress", "shop", "web");
    api.apply({ ...web, spec: { ...(web.spec as object), ingressClassName: "nginx" } });
    await waitFor("status cleared", () => (api.get("Ingress", "shop", "web").status as { loadBalancer?: { ingress?: unknown } } | undefined)?.loadBalancer?.ingress === undefined);
  });

  test("an Ingress that gains an access-control annotation it cannot enforce is withdrawn: routes, status, one Warning Event", async () => {
    api.apply(kubeIngress("shop/admin", [{ host: "admin.test", service: "web", port: 80 }]));
    await pushed("admin.test served", (t) => hosts(t).includes("admin.test"));
    const status = () => (api.get("Ingress", "shop", "admin").status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress;
    await waitFor("admin status written", () => status()?.length === 1);
    const admin = api.get("Ingress", "shop", "admin");
    const metadata = admin.metadata as { annotations?: Record<string, string> };
    api.apply({ ...admin, metadata: { ...metadata, annotations: { ...metadata.annotations, "nginx.ingress.kubernetes.io/auth-type": "basic" } } });
    await pushed("admin.test withdrawn", (t) => !hosts(t).includes("admin.test"));
    await waitFor("admin status cleared", () => status() === undefined);
    const events = await waitFor("a Warning Event", () => {
      const found = api.list("Event").filter((e) => (e.involvedObject as { name?: string }).name === "admin");
      return found.length > 0 ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(String(events[0]?.message)).toBe("annotation nginx.ingress.kubernetes.io/auth-type is access control the edge does not enforce; the Ingress is not served (it fails closed rather than serve its routes open)");
  });

  test("a dropped watch recovers and the change made meanwhile is pushed", async () => {
    api.dropWatches();
    api.apply(kubeIngress("shop/after-drop", [{ host: "after-drop.test", service: "web", port: 80 }]));
    await pushed("the change made during the drop", (t) => hosts(t).includes("after-drop.test"));
  });

  test("410 Gone relists, and a delete missed meanwhile still leaves the table", async () => {
    const ingressLists = () => api.requests.filter((r) => r.verb === "list" && r.resource === "ingresses" && r.status === 200).length;
    const listsBefore = ingressLists();
    api.dropWatches();
    api.remove("Ingress", "shop", "web");
    api.expireWatches();
    await pushed("shop.test gone after the relist", (t) => !hosts(t).includes("shop.test"));
    expect(ingressLists()).toBeGreaterThan(listsBefore);
  });

  test("an API server restart is survived: informers restart (counted), changes after it are pushed", async () => {
    await api.stop();
    await waitFor("an informer restarted while the API server is down", async () => /^edge_ingress_informer_restarts_total\{resource="[a-z]+"\} [1-9]/m.test(await agent.registry.metrics()));
    await api.start();
    api.apply(kubeIngress("shop/after-restart", [{ host: "after-restart.test", service: "web", port: 80 }]));
    await pushed("the change after the restart", (t) => hosts(t).includes("after-restart.test"));
  });

  test("a failed push is retried with backoff until the edge takes it", async () => {
    edge.failNext(503, 503, 503);
    api.apply(kubeIngress("shop/retry", [{ host: "retry.test", service: "web", port: 80 }]));
    await pushed("the retried push", (t) => hosts(t).includes("retry.test"));
    expect(edge.refusals.filter((r) => r.reason === "injected failure")).toHaveLength(3);
    const metrics = await agent.registry.metrics();
    expect(metrics).toMatch(/edge_ingress_pushes_total\{result="error",code="failed"\} 3/);
    expect(agent.logs.filter((line) => line.includes('"table-push-failed"'))).toHaveLength(3);
  });

  test("each cluster event's way to the edge is observed in edge_ingress_convergence_seconds, and push latency beside it", async () => {
    // How fast is the convergence benchmark's business (npm run bench -- convergence); here, that it is measured.
    const count = async (name: string) => Number(new RegExp(`^${name}_count (\\d+)$`, "m").exec(await agent.registry.metrics())?.[1] ?? Number.NaN);
    // The edge has each table a moment before the agent hears its answer and records the figures: start counting
    // once every push the edge took so far is recorded.
    await waitFor("the pushes so far recorded", async () => (await count("edge_ingress_push_duration_seconds")) === edge.pushes.length);
    const before = { convergence: await count("edge_ingress_convergence_seconds"), push: await count("edge_ingress_push_duration_seconds") };
    for (let i = 0; i < 3; i++) {
      api.apply(kubeIngress(`shop/c${i}`, [{ host: `c${i}.test`, service: "web", port: 80 }]));
      await pushed(`c${i}.test`, (t) => hosts(t).includes(`c${i}.test`));
    }
    // The edge has the table a moment before the agent hears its answer and records the figures.
    await waitFor("three more convergence samples", async () => (await count("edge_ingress_convergence_seconds")) >= before.convergence + 3);
    expect(await count("edge_ingress_convergence_seconds")).toBe(before.convergence + 3);
    expect(await count("edge_ingress_push_duration_seconds")).toBe(before.push + 3);
  });
});
