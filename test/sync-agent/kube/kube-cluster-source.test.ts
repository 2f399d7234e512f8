import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { loadKubeConfig } from "../../../sync-agent/kube/load-kube-config.ts";
import { KubeClusterSource } from "../../../sync-agent/kube/kube-cluster-source.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import { FakeKubeApi, writeKubeconfig } from "../../support/fake-kube-api/index.ts";
import { kubeEdgeClass, kubeIngress, kubeNode, kubeService, kubeSlice } from "../support/kube-objects.ts";
import { waitFor } from "../support/wait-for.ts";

const backoff = { initialMs: 50, maxMs: 400, factor: 2, jitter: 0 };

describe("the Kubernetes cluster source", () => {
  let api: FakeKubeApi;
  let source: KubeClusterSource;
  const logs: string[] = [];
  let changes = 0;
  let restarts = 0;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    api.apply(kubeEdgeClass());
    api.apply(kubeNode("node-a", "127.0.0.2"));
    api.apply(kubeService("shop/web", [{ port: 80, nodePort: 30080 }]));
    api.apply(kubeSlice("shop/web", [{ node: "node-a" }]));
    api.apply(kubeIngress("shop/web", [{ host: "shop.test", service: "web", port: 80 }]));
    const config = loadKubeConfig({ kind: "kubeconfig", path: await writeKubeconfig(api) });
    logs.length = 0;
    changes = 0;
    restarts = 0;
    source = new KubeClusterSource(config, {
      backoff,
      watchTimeoutSeconds: 60,
      logger: createLogger({ level: "debug", write: (line) => logs.push(line) }),
      onRestart: () => { restarts += 1; },
    });
    source.onChange(() => { changes += 1; });
    source.start();
    await waitFor("the first sync", () => source.synced());
  });

  afterEach(async () => {
    await source.stop();
    await api.stop();
  });

  const names = (field: "ingresses" | "nodes" | "services" | "endpointSlices" | "ingressClasses") =>
    source.snapshot()[field].map((o) => o.metadata?.name).sort();

  test("lists every kind the compiler reads before it calls itself synced", () => {
    const snapshot = source.snapshot();
    expect(snapshot.ingresses).toHaveLength(1);
    expect(snapshot.ingressClasses).toHaveLength(1);
    expect(snapshot.services).toHaveLength(1);
    expect(snapshot.endpointSlices).toHaveLength(1);
    expect(snapshot.nodes).toHaveLength(1);
    expect(source.problems()).toEqual([]);
  });

  test("sees creates, updates and deletes through the watch, signalling a change for each", async () => {
    const before = changes;
    api.apply(kubeNode("node-b", "127.0.0.3"));
    await waitFor("node-b", () => names("nodes").includes("node-b"));
    api.apply(kubeNode("node-b", "127.0.0.3", { ready: false }));
    await waitFor("node-b NotReady", () => source.snapshot().nodes.find((n) => n.metadata?.name === "node-b")?.status?.conditions?.[0]?.status === "False");
    api.remove("Node", null, "node-b");
    await waitFor("node-b gone", () => !names("nodes").includes("node-b"));
    expect(changes - before).toBeGreaterThanOrEqual(3);
  });

  test("asks the API server for bookmarks and a server-side timeout on its watches", async () => {
    await waitFor("six watches (the five kinds and Namespaces)", () => api.openWatchCount() === 6);
    const watches = api.requests.filter((r) => r.verb === "watch");
    expect(watches.map((r) => r.resource).sort()).toEqual(["endpointslices", "ingressclasses", "ingresses", "namespaces", "nodes", "services"]);
    for (const watch of watches) {
      expect(watch.query).toMatchObject({ allowWatchBookmarks: "true", timeoutSeconds: "60" });
      expect(Number(watch.query.resourceVersion)).toBeGreaterThan(0);
    }
  });

  test("bookmarks keep a quiet watch's resourceVersion fresh, so a reconnect after compaction resumes without a relist", async () => {
    await waitFor("six watches (the five kinds and Namespaces)", () => api.openWatchCount() === 6);
    for (let i = 0; i < 5; i++) api.apply(kubeService(`shop/s${i}`, [{ port: 80, nodePort: 30100 + i }])); // nodes stay quiet
    await waitFor("the services", () => names("services").length === 6);
    const nodeBookmarks = () => logs.filter((line) => line.includes('"watch-bookmark"') && line.includes('"nodes"')).length;
    const before = nodeBookmarks();
    api.sendBookmarks();
    await waitFor("the nodes watch's bookmark taken", () => nodeBookmarks() > before);
    api.compact();
    const nodeLists = api.requests.filter((r) => r.verb === "list" && r.resource === "nodes").length;
    api.dropWatches();
    await waitFor("watches back", () => api.openWatchCount() === 6);
    // A node event through the resumed watch: had it resumed from a compacted resourceVersion, the 410 and the
    // relist would have come first.
    api.apply(kubeNode("node-q", "127.0.0.9"));
    await waitFor("node-q through the resumed watch", () => names("nodes").includes("node-q"));
    expect(api.requests.filter((r) => r.verb === "list" && r.resource === "nodes").length).toBe(nodeLists);
  });

  test("a dropped watch reconnects from its resourceVersion without a relist and misses nothing", async () => {
    await waitFor("six watches (the five kinds and Namespaces)", () => api.openWatchCount() === 6);
    const lists = api.requests.filter((r) => r.verb === "list").length;
    api.dropWatches();
    api.apply(kubeNode("node-c", "127.0.0.4")); // happens while nobody watches
    await waitFor("node-c after the drop", () => names("nodes").includes("node-c"));
    await waitFor("watches back", () => api.openWatchCount() === 6);
    expect(api.requests.filter((r) => r.verb === "list").length).toBe(lists);
  });

  test("410 Gone in the watch stream makes the informer relist, and objects deleted meanwhile leave the cache", async () => {
    await waitFor("six watches (the five kinds and Namespaces)", () => api.openWatchCount() === 6);
    const lists = api.requests.filter((r) => r.verb === "list" && r.resource === "ingresses").length;
    api.dropWatches();
    api.remove("Ingress", "shop", "web");
    api.apply(kubeIngress("shop/api", [{ host: "api.test", service: "web", port: 80 }]));
    api.expireWatches(); // history compacted: resuming from the old resourceVersion is no longer possible
    await waitFor("the relisted ingresses", () => names("ingresses").join() === "api");
    expect(api.requests.filter((r) => r.verb === "list" && r.resource === "ingresses").length).toBeGreaterThan(lists);
  });

  test("410 Gone as the answer to a watch request relists too", async () => {
    await waitFor("six watches (the five kinds and Namespaces)", () => api.openWatchCount() === 6);
    const serviceLists = () => api.requests.filter((r) => r.verb === "list" && r.resource === "services").length;
    const lists = serviceLists();
    api.fail((r) => r.verb === "watch" && r.resource === "services", 410);
    api.dropWatches();
    api.apply(kubeService("shop/api", [{ port: 80, nodePort: 30081 }]));
    await waitFor("the new service", () => names("services").includes("api"));
    expect(serviceLists()).toBeGreaterThan(lists);
  });

  test("survives an API server restart: informers that failed are restarted with backoff", async () => {
    await waitFor("six watches (the five kinds and Namespaces)", () => api.openWatchCount() === 6);
    await api.stop();
    api.apply(kubeNode("node-d", "127.0.0.5")); // etcd lives on while the API server is down
    await waitFor("a problem saying the source reconnects", () => source.problems().some((p) => p.includes("reconnecting")));
    await api.start();
    await waitFor("node-d after the restart", () => names("nodes").includes("node-d"));
    await waitFor("all six watching again", () => api.openWatchCount() === 6);
    expect(restarts).toBeGreaterThan(0);
    expect(logs.some((line) => line.includes('"watch-failed"'))).toBe(true);
  });

  test("a failed list is retried until it succeeds", async () => {
    await source.stop();
    api.fail((r) => r.verb === "list" && r.resource === "nodes", 500, 3);
    const config = loadKubeConfig({ kind: "kubeconfig", path: await writeKubeconfig(api) });
    source = new KubeClusterSource(config, { backoff, watchTimeoutSeconds: 60, logger: createLogger({ write: () => {} }) });
    source.start();
    await waitFor("sync despite three failed lists", () => source.synced());
    expect(api.requests.filter((r) => r.verb === "list" && r.resource === "nodes" && r.status === 500)).toHaveLength(3);
  });
});
