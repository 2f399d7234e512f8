import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import type { KubeObject } from "../../support/fake-kube-api/object-store.ts";
import { seedShop } from "../support/demo-cluster.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeLoadBalancer, kubeNamedSlice } from "../support/kube-objects.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

type LoadBalancerStatus = { loadBalancer?: { ingress?: { hostname?: string; ip?: string }[] } } | undefined;

/** The agent as the provider of `loadBalancerClass: edge-ingress.dev/edge`, against the fake API server. */
describe("the agent serving LoadBalancer Services", () => {
  let api: FakeKubeApi;
  let edge: EdgeReceiver;
  let agent: TestAgent;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    edge = new EdgeReceiver();
    await edge.start();
    seedShop(api); // the Ingress shop/web serves shop.test
    api.apply(kubeLoadBalancer("shop/lb", [{ name: "http", port: 80, nodePort: 30200 }], { hostnames: "lb.test" }));
    api.apply(kubeNamedSlice("lb-1", "shop/lb", [{ node: "node-b" }], ["http"]));
    agent = await startTestAgent(api, edge);
  });

  afterEach(async () => {
    await agent.agent.stop();
    await edge.stop();
    await api.stop();
  });

  const pushed = (what: string, check: (table: RoutingTable) => boolean) =>
    waitFor(what, () => {
      const table = edge.latest();
      return table !== undefined && check(table) ? table : undefined;
    });
  const statusOf = (name: string) => api.get("Service", "shop", name).status as LoadBalancerStatus;
  const statusWrites = (name: string) => api.requests.filter((r) => r.resource === "services" && r.subresource === "status" && r.name === name);
  const eventsOn = (name: string) => api.list("Event").filter((e) => (e.involvedObject as { kind?: string; name?: string }).name === name);
  /** The Service as stored, its annotations changed: status and all else kept, as `kubectl annotate` would. */
  const annotate = (name: string, annotations: Record<string, string>): KubeObject => {
    const current = api.get("Service", "shop", name);
    return { ...current, metadata: { ...current.metadata, annotations } };
  };

  test("serves the Service's hosts and writes the edge hostname into its status, once, by a status update", async () => {
    const table = await pushed("lb.test served", (t) => t.hosts.some((h) => h.host === "lb.test"));
    expect(table.hosts.find((h) => h.host === "lb.test")?.rules).toEqual([{ path: "/", pathType: "Prefix", backend: "shop/lb:http", ingress: "Service shop/lb" }]);
    expect(table.backends.find((b) => b.id === "shop/lb:http")).toMatchObject({ nodePort: 30200, targets: "all-nodes" });
    await waitFor("the Service's status", () => statusOf("lb")?.loadBalancer?.ingress?.[0]?.hostname === "edge.example.test");
    expect(statusOf("lb")?.loadBalancer?.ingress).toEqual([{ hostname: "edge.example.test" }]);
    // Another change, and its status written: every write of the loop before it is done, and none was repeated.
    api.apply(kubeLoadBalancer("shop/late", [{ name: "http", port: 80, nodePort: 30201 }], { hostnames: "late.test" }));
    await waitFor("the next Service's status", () => statusOf("late")?.loadBalancer?.ingress?.length === 1);
    expect(statusWrites("lb").map((r) => r.verb)).toEqual(["update"]);
  });

  test("never touches a LoadBalancer Service of another class or of none, status and Events included", async () => {
    const foreign = { loadBalancer: { ingress: [{ ip: "203.0.113.9" }, { hostname: "edge.example.test" }] } };
    api.apply({ ...kubeLoadBalancer("shop/other", [{ port: 80, nodePort: 30300 }], { hostnames: "other.test", loadBalancerClass: "example.com/other" }), status: foreign });
    api.apply({ ...kubeLoadBalancer("shop/none", [{ port: 80 }], { hostnames: "none.test", loadBalancerClass: null }), status: foreign });
    api.apply(kubeLoadBalancer("shop/marker", [{ name: "http", port: 80, nodePort: 30202 }], { hostnames: "marker.test" }));
    await waitFor("the Service after them served and its status written", () => statusOf("marker")?.loadBalancer?.ingress?.length === 1);
    const table = edge.latest();
    expect(table?.hosts.map((h) => h.host)).toEqual(["lb.test", "marker.test", "shop.test"]);
    for (const name of ["other", "none"]) {
      expect(statusWrites(name), name).toEqual([]);
      expect(api.get("Service", "shop", name).status, name).toEqual(foreign);
      expect(eventsOn(name), name).toEqual([]);
    }
  });

  test("a Service that stops being served loses our entry, and why is a Warning Event on the Service", async () => {
    await waitFor("the Service's status", () => statusOf("lb")?.loadBalancer?.ingress?.length === 1);
    api.apply(annotate("lb", {}));
    await waitFor("our entry removed", () => statusOf("lb")?.loadBalancer?.ingress === undefined);
    const events = await waitFor("a Warning Event on the Service", () => (eventsOn("lb").length > 0 ? eventsOn("lb") : undefined));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "Warning",
      reason: "EdgeIngressProblem",
      involvedObject: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "lb" },
      message: "annotation edge-ingress.dev/hostnames names no host (comma-separated, exact or *.wildcard): not served",
    });
  });

  test("a Service whose type changes from LoadBalancer loses our entry (Kubernetes drops its class with the type)", async () => {
    await waitFor("the Service's status", () => statusOf("lb")?.loadBalancer?.ingress?.length === 1);
    const current = api.get("Service", "shop", "lb");
    const { loadBalancerClass: _dropped, ...spec } = current.spec as Record<string, unknown>;
    api.apply({ ...current, spec: { ...spec, type: "NodePort" } });
    await waitFor("our entry removed", () => statusOf("lb")?.loadBalancer?.ingress === undefined);
  });

  test("a host an Ingress serves, and a Service without nodePorts, are reported on the Service; the rest is served", async () => {
    api.apply(annotate("lb", { "edge-ingress.dev/hostnames": "shop.test, lb.test" }));
    api.apply(kubeLoadBalancer("shop/bare", [{ name: "http", port: 80 }], { hostnames: "bare.test", allocateNodePorts: false }));
    const taken = await waitFor("the Event for shop.test", () => eventsOn("lb")[0]);
    expect(taken.message).toBe("host shop.test is already served by the Ingress shop/web (an Ingress's rules win over a LoadBalancer Service's); left out");
    const bare = await waitFor("the Event for the Service without nodePorts", () => eventsOn("bare")[0]);
    expect(bare.message).toBe("port http (80) has no nodePort (allocateLoadBalancerNodePorts: false): the edge reaches Services only through their nodePorts; not served");
    const table = edge.latest();
    expect(table?.hosts.map((h) => `${h.host} ${h.rules.map((r) => r.ingress).join(",")}`)).toEqual(["lb.test Service shop/lb", "shop.test shop/web"]);
    expect(statusOf("lb")?.loadBalancer?.ingress).toEqual([{ hostname: "edge.example.test" }]);
    expect(statusWrites("bare")).toEqual([]);
  });
});
