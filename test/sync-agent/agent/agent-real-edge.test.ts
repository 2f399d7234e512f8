import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { requestLocal } from "../../../sync-agent/local/local-request.ts";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { type RealEdge, startRealEdge } from "../../support/real-edge.ts";
import { kubeEdgeClass, kubeGateway, kubeGatewayClass, kubeIngress, kubeLoadBalancer, kubeNamedSlice, kubeNode, kubeService } from "../support/kube-objects.ts";
import { generatePushKeys } from "../support/push-keys.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * The agent as it runs in a cluster — informers on the API server, leader election, status writes — pushing to
 * the real worker in workerd, and a request through that worker reaching the Service's nodePort on a Node.
 */
describe("the agent against the real edge worker", () => {
  let api: FakeKubeApi;
  let edge: RealEdge;
  let backend: Server;
  const agents: TestAgent[] = [];
  let keys: Awaited<ReturnType<typeof generatePushKeys>>;

  beforeEach(async () => {
    keys = await generatePushKeys();
    api = new FakeKubeApi({ tokens: ["token-1", "token-2"] });
    await api.start();
    // The Node's nodePort: a real listener on node-a's address, its port whatever the system gave.
    backend = createServer((request, response) => response.end(`shop via ${request.headers["x-forwarded-host"] ?? "?"}${request.url ?? ""}`));
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.2", resolve));
    const nodePort = (backend.address() as AddressInfo).port;
    api.apply(kubeEdgeClass());
    api.apply(kubeNode("node-a", "127.0.0.2"));
    api.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort }]));
    api.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }], ["http"]));
    api.apply(kubeIngress("shop/web", [{ host: "shop.test", service: "web", port: 80 }]));
    edge = await startRealEdge({ pushPublicJwk: keys.publicJwk });
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.agent.stop()));
    await edge.stop();
    await api.stop();
    backend.closeAllConnections();
    await new Promise((resolve) => backend.close(resolve));
  });

  const destination = () => ({ url: edge.url, trust: async () => {} });
  const through = async (host: string, path: string) => {
    const response = await requestLocal(`${edge.url}${path}`, { host });
    return { status: response.status, text: response.body };
  };
  const pushErrors = async (agent: TestAgent) => /edge_ingress_pushes_total\{result="error"/.test(await agent.registry.metrics());

  test("serves the cluster's routes, follows a change, and writes the edge hostname into the Ingress status", async () => {
    const agent = await startTestAgent(api, destination(), { keys, identity: "agent-1", token: "token-1" });
    agents.push(agent);
    await waitFor("shop.test through the edge", async () => (await through("shop.test", "/cart")).status === 200);
    expect(await through("shop.test", "/cart")).toEqual({ status: 200, text: "shop via shop.test/cart" });
    expect(await through("other.test", "/")).toMatchObject({ status: 404 });
    await waitFor("status written", () => (api.get("Ingress", "shop", "web").status as { loadBalancer?: { ingress?: { hostname?: string }[] } } | undefined)?.loadBalancer?.ingress?.[0]?.hostname === "edge.example.test");

    api.apply(kubeIngress("shop/api", [{ host: "api.test", service: "web", port: 80 }]));
    await waitFor("api.test through the edge", async () => (await through("api.test", "/v1")).status === 200);
    expect(await pushErrors(agent)).toBe(false);
  });

  test("serves a LoadBalancer Service of class edge-ingress.dev/edge on its hosts, every path, onto its nodePort", async () => {
    const lbBackend = createServer((request, response) => response.end(`lb via ${request.headers["x-forwarded-host"] ?? "?"}${request.url ?? ""}`));
    await new Promise<void>((resolve) => lbBackend.listen(0, "127.0.0.2", resolve));
    try {
      const nodePort = (lbBackend.address() as AddressInfo).port;
      api.apply(kubeLoadBalancer("shop/lb", [{ name: "http", port: 80, nodePort }], { hostnames: "lb.test, *.lb.test" }));
      api.apply(kubeNamedSlice("lb-1", "shop/lb", [{ node: "node-a" }], ["http"]));
      agents.push(await startTestAgent(api, destination(), { keys, identity: "agent-1", token: "token-1" }));
      await waitFor("lb.test through the edge", async () => (await through("lb.test", "/")).status === 200);
      expect(await through("lb.test", "/deep/path?q=1")).toEqual({ status: 200, text: "lb via lb.test/deep/path?q=1" });
      expect(await through("eu.lb.test", "/")).toEqual({ status: 200, text: "lb via eu.lb.test/" });
      expect(await through("shop.test", "/")).toEqual({ status: 200, text: "shop via shop.test/" });
      await waitFor("the Service's status", () => (api.get("Service", "shop", "lb").status as { loadBalancer?: { ingress?: { hostname?: string }[] } } | undefined)?.loadBalancer?.ingress?.[0]?.hostname === "edge.example.test");
    } finally {
      lbBackend.closeAllConnections();
      await new Promise((resolve) => lbBackend.close(resolve));
    }
  });

  test("serves an HTTPRoute beside the Ingress on one host: its match, filters and rewrite reach the backend as the conformance suite expects", async () => {
    const seen: { url: string; headers: Record<string, string | string[] | undefined> }[] = [];
    const routeBackend = createServer((request, response) => {
      seen.push({ url: request.url ?? "", headers: request.headers });
      response.setHeader("x-backend", "route");
      response.end(`route${request.url ?? ""}`);
    });
    await new Promise<void>((resolve) => routeBackend.listen(0, "127.0.0.2", resolve));
    try {
      const nodePort = (routeBackend.address() as AddressInfo).port;
      api.installGatewayApi();
      api.apply(kubeService("shop/api", [{ name: "http", port: 8080, nodePort }]));
      api.apply(kubeNamedSlice("api-1", "shop/api", [{ node: "node-a" }], ["http"]));
      api.apply(kubeGatewayClass());
      api.apply(kubeGateway("shop/edge"));
      api.apply({
        apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { namespace: "shop", name: "api", generation: 1 },
        spec: {
          parentRefs: [{ name: "edge" }],
          hostnames: ["shop.test"],
          rules: [{
            matches: [{ path: { type: "PathPrefix", value: "/api" }, headers: [{ name: "X-Beta", value: "1" }] }],
            filters: [
              { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/v2" } } },
              { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "X-Header-Set", value: "set-overwrites-values" }], remove: ["X-Remove"] } },
              { type: "ResponseHeaderModifier", responseHeaderModifier: { set: [{ name: "X-Backend", value: "modified" }] } },
            ],
            backendRefs: [{ name: "api", port: 8080 }],
          }],
        },
      });
      agents.push(await startTestAgent(api, destination(), { keys, identity: "agent-1", token: "token-1", deps: { gatewayApiProbeMs: 100 } }));
      const beta = { host: "shop.test", headers: { "x-beta": "1", "x-header-set": "client", "x-remove": "gone" } };
      await waitFor("the route through the edge", async () => (await requestLocal(`${edge.url}/api/users?page=2`, beta)).status === 200 && seen.length > 0);
      const response = await requestLocal(`${edge.url}/api/users?page=2`, beta);
      expect([response.status, response.body, response.headers["x-backend"]]).toEqual([200, "route/v2/users?page=2", "modified"]);
      expect(seen.at(-1)?.headers).toMatchObject({ "x-header-set": "set-overwrites-values", "x-forwarded-host": "shop.test" });
      expect(seen.at(-1)?.headers).not.toHaveProperty("x-remove");
      // Without the header the Ingress's / serves the same path: the route's match is more specific, not a host takeover.
      expect(await through("shop.test", "/api/users")).toEqual({ status: 200, text: "shop via shop.test/api/users" });
      await waitFor("the route's status", () => (api.get("HTTPRoute", "shop", "api").status as { parents?: unknown[] } | undefined)?.parents?.length === 1);
    } finally {
      routeBackend.closeAllConnections();
      await new Promise((resolve) => routeBackend.close(resolve));
    }
  });

  test("a new leader after a restart publishes its table and the edge takes it", async () => {
    const first = await startTestAgent(api, destination(), { keys, identity: "agent-1", token: "token-1" });
    await waitFor("shop.test through the edge", async () => (await through("shop.test", "/")).status === 200);
    await first.agent.stop(); // releases the Lease
    const second = await startTestAgent(api, destination(), { keys, identity: "agent-2", token: "token-2" });
    agents.push(second);
    await waitFor("the new leader's push taken", async () => /edge_ingress_pushes_total\{result="ok",code=""\} 1/.test(await second.registry.metrics()));
    api.apply(kubeIngress("shop/late", [{ host: "late.test", service: "web", port: 80 }]));
    await waitFor("late.test through the edge", async () => (await through("late.test", "/")).status === 200);
    expect(await pushErrors(second)).toBe(false);
  });
});
