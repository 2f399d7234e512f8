import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { seedShop } from "../support/demo-cluster.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeGateway, kubeGatewayClass, kubeHttpRoute } from "../support/kube-objects.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

interface Conditioned { conditions?: { type: string; status: string; reason: string; observedGeneration?: number }[] }
const conditions = (holder: Conditioned | undefined) => Object.fromEntries((holder?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

/** The agent against an API server without the Gateway API CRDs, which are installed while it runs. */
describe("the agent and the Gateway API", () => {
  let api: FakeKubeApi;
  let edge: EdgeReceiver;
  let agent: TestAgent | null = null;

  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
    edge = new EdgeReceiver();
    await edge.start();
    seedShop(api);
  });

  afterEach(async () => {
    await agent?.agent.stop();
    agent = null;
    await edge.stop();
    await api.stop();
  });

  const routeHosts = () => (edge.latest()?.hosts ?? []).filter((h) => h.rules.some((r) => r.ingress.startsWith("HTTPRoute "))).map((h) => h.host);
  const statusWrites = (resource: string) => api.requests.filter((r) => r.resource === resource && r.subresource === "status").length;

  test("serves Ingresses without the CRDs (saying so once), picks them up when installed, and writes status as conformance reads it", async () => {
    agent = await startTestAgent(api, edge, { deps: { gatewayApiProbeMs: 100 } });
    await waitFor("the Ingress table pushed", () => edge.latest()?.hosts.some((h) => h.host === "shop.test") === true);
    await waitFor("three looks for the CRDs", () => api.discoveries.filter((d) => d === "gateway.networking.k8s.io/v1").length >= 3);
    expect(agent.logs.filter((l) => l.includes('"gateway-api-absent"'))).toHaveLength(1);
    expect(agent.logs.filter((l) => l.includes("watch-failed"))).toEqual([]);

    api.installGatewayApi();
    api.apply(kubeGatewayClass());
    api.apply(kubeGateway("shop/edge"));
    api.apply(kubeHttpRoute("shop/api", "edge", { host: "api.test", path: "/v1", service: "web", port: 80 }, 3));
    await waitFor("the route in the pushed table", () => routeHosts().includes("api.test"));
    expect(agent.logs.filter((l) => l.includes('"gateway-api-absent"'))).toHaveLength(1);

    await waitFor("statuses written", () => {
      const route = api.get("HTTPRoute", "shop", "api").status as { parents?: (Conditioned & { controllerName?: string })[] } | undefined;
      return route?.parents?.[0]?.controllerName === "edge-ingress.dev/controller" && api.get("Gateway", "shop", "edge").status !== undefined && api.get("GatewayClass", null, "edge").status !== undefined;
    });
    expect(conditions(api.get("GatewayClass", null, "edge").status as Conditioned)).toEqual({ Accepted: "True/Accepted", SupportedVersion: "True/SupportedVersion" });
    const gateway = api.get("Gateway", "shop", "edge").status as Conditioned & { addresses?: unknown; listeners?: (Conditioned & { attachedRoutes?: number; name?: string })[] };
    expect(conditions(gateway)).toEqual({ Accepted: "True/Accepted", Programmed: "True/Programmed" });
    expect(gateway.addresses).toEqual([{ type: "Hostname", value: "edge.example.test" }]);
    expect(gateway.listeners?.map((l) => [l.name, l.attachedRoutes, conditions(l)])).toEqual([
      ["http", 1, { Accepted: "True/Accepted", Programmed: "True/Programmed", ResolvedRefs: "True/ResolvedRefs", Conflicted: "False/NoConflicts" }],
    ]);
    const route = api.get("HTTPRoute", "shop", "api").status as { parents: (Conditioned & { parentRef: unknown })[] };
    expect(route.parents.map((p) => [p.parentRef, conditions(p), p.conditions?.map((c) => c.observedGeneration)])).toEqual([
      [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "shop", name: "edge" }, { Accepted: "True/Accepted", ResolvedRefs: "True/ResolvedRefs" }, [3, 3]],
    ]);

    // Written only on change: another Ingress changes the table, not these statuses.
    const before = statusWrites("httproutes") + statusWrites("gateways") + statusWrites("gatewayclasses");
    const pushes = edge.pushes.length;
    api.apply({ ...api.get("Ingress", "shop", "web"), spec: { ingressClassName: "edge", rules: [{ host: "shop2.test", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] } });
    await waitFor("the next table pushed", () => edge.pushes.length > pushes && edge.latest()?.hosts.some((h) => h.host === "shop2.test") === true);
    expect(statusWrites("httproutes") + statusWrites("gateways") + statusWrites("gatewayclasses")).toBe(before);

    // A backend that does not resolve: ResolvedRefs False, BackendNotFound.
    api.apply(kubeHttpRoute("shop/api", "edge", { host: "api.test", path: "/v1", service: "missing", port: 80 }, 4));
    await waitFor("ResolvedRefs False", () => conditions((api.get("HTTPRoute", "shop", "api").status as { parents?: Conditioned[] } | undefined)?.parents?.[0]).ResolvedRefs === "False/BackendNotFound");
    // And a Warning Event on the route, as an Ingress's problem has.
    await waitFor("an Event on the HTTPRoute", () => api.list("Event").some((e) => (e.involvedObject as { kind?: string; name?: string }).kind === "HTTPRoute"));
    const event = api.list("Event").find((e) => (e.involvedObject as { kind?: string }).kind === "HTTPRoute");
    expect([event?.type, event?.message, (event?.involvedObject as { apiVersion?: string }).apiVersion]).toEqual([
      "Warning", "rule 0: backendRef Service shop/missing: Service shop/missing not found; its share of requests is answered 500", "gateway.networking.k8s.io/v1",
    ]);
  });
});
