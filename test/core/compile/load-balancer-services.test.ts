import { describe, expect, it } from "vitest";
import type { ClusterState, Service } from "../../../core/compile/cluster-objects.ts";
import { compileTable, type CompileResult } from "../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { healthCheckKey } from "../../../core/health/health-check-key.ts";
import { kubeProxyHealthCheck } from "../../../core/health/probed-health-check.ts";
import { hashTableContent, sealTable, serializeTable } from "../../../core/table/hash-table.ts";
import { ruleSource, type TableContent } from "../../../core/table/schema.ts";
import { validateTable } from "../../../core/table/validate-table.ts";
import { cluster, ingress, loadBalancer, service, slice } from "../../support/cluster-builder.ts";

const web = loadBalancer("shop/web", [{ name: "http", port: 80, nodePort: 30080 }], { hostnames: "shop.test" });
const webReady = slice("shop/web", [{ node: "node-a" }], ["http"]);

function compile(parts: Partial<ClusterState>, unhealthy?: ReadonlySet<string>): CompileResult {
  return compileTable(cluster({ endpointSlices: [webReady], ...parts }), { ...defaultCompileOptions, ...(unhealthy === undefined ? {} : { unhealthy }) });
}

/** host → "path pathType → backend (source)" for every rule. */
function routes(content: TableContent): Record<string, string[]> {
  return Object.fromEntries(content.hosts.map((h) => [h.host, h.rules.map((r) => `${r.path} ${r.pathType} → ${r.backend} (${r.ingress})`)]));
}
const reasons = (content: TableContent): string[] => content.problems.map((p) => `${p.kind} ${p.object}: ${p.reason}`);
const withHosts = (key: string, hostnames: string, more: Parameters<typeof loadBalancer>[2] = {}): Service =>
  loadBalancer(key, [{ name: "http", port: 80, nodePort: 30080 }], { hostnames, ...more });

describe("LoadBalancer Services of class edge-ingress.dev/edge", () => {
  describe("are served", () => {
    it("on every host of the hostnames annotation, every path, onto the only port's nodePort, the Service named as the source", () => {
      const result = compile({ services: [withHosts("shop/web", "shop.test, *.shop.test")] });
      expect(routes(result.content)).toEqual({
        "*.shop.test": ["/ Prefix → shop/web:http (Service shop/web)"],
        "shop.test": ["/ Prefix → shop/web:http (Service shop/web)"],
      });
      expect(result.content.backends).toEqual([{ id: "shop/web:http", nodePort: 30080, targets: "all-nodes" }]);
      expect(result.servedServices).toEqual(["shop/web"]);
      expect(result.served).toEqual([]);
      expect(result.content.problems).toEqual([]);
      expect(ruleSource(result.content.hosts[0]?.rules[0]?.ingress ?? "")).toEqual({ kind: "Service", name: "shop/web" });
    });

    it("in a table the shared validator (the edge's, unchanged) accepts, a backend of the Service's own policy included", async () => {
      const sticky = withHosts("shop/sticky", "sticky.test", { annotations: { "edge-ingress.dev/affinity": "cookie" } });
      const content = compile({ services: [web, sticky], endpointSlices: [webReady, slice("shop/sticky", [{ node: "node-a" }], ["http"])] }).content;
      expect(content.backends.map((b) => b.id)).toEqual(["shop/sticky:http@Service shop/sticky", "shop/web:http"]);
      expect(validateTable(JSON.parse(serializeTable(await sealTable(content, 1))))).toMatchObject({ ok: true });
    });

    it("onto the port the port annotation names, by name or by number", () => {
      const ports = [{ name: "http", port: 80, nodePort: 30080 }, { name: "admin", port: 9000, nodePort: 30900 }];
      const byName = loadBalancer("shop/web", ports, { hostnames: "shop.test", annotations: { "edge-ingress.dev/port": "admin" } });
      const byNumber = loadBalancer("shop/web", ports, { hostnames: "shop.test", annotations: { "edge-ingress.dev/port": "9000" } });
      for (const named of [byName, byNumber]) {
        const content = compile({ services: [named], endpointSlices: [slice("shop/web", [{ node: "node-a" }], ["http", "admin"])] }).content;
        expect(content.backends.map((b) => `${b.id} ${b.nodePort}`)).toEqual(["shop/web:admin 30900"]);
      }
    });

    it("an unnamed only port by its number", () => {
      const content = compile({ services: [loadBalancer("shop/web", [{ port: 80, nodePort: 30080 }], { hostnames: "shop.test" })], endpointSlices: [slice("shop/web", [{ node: "node-a" }])] }).content;
      expect(content.backends.map((b) => b.id)).toEqual(["shop/web:80"]);
    });

    it("with cookie affinity from the same annotations as an Ingress, on a backend of the Service's own", () => {
      const content = compile({ services: [withHosts("shop/web", "shop.test", { annotations: { "edge-ingress.dev/affinity": "cookie", "edge-ingress.dev/session-cookie-name": "sticky" } })] }).content;
      expect(content.backends).toEqual([
        { id: "shop/web:http@Service shop/web", nodePort: 30080, targets: "all-nodes", affinity: { mode: "cookie", name: "sticky", path: "/" } },
      ]);
    });

    it("with client-IP affinity from sessionAffinity: ClientIP", () => {
      const content = compile({ services: [withHosts("shop/web", "shop.test", { sessionAffinity: "ClientIP" })] }).content;
      expect(content.backends[0]?.affinity).toEqual({ mode: "client-ip", timeoutSeconds: 10_800 });
    });

    it("sharing the backend of an Ingress that names the same port with the default policy", () => {
      const content = compile({ services: [web], ingresses: [ingress("shop/api", [{ host: "api.test", service: "web", port: "http" }])] }).content;
      expect(content.backends.map((b) => b.id)).toEqual(["shop/web:http"]);
      expect(Object.keys(routes(content))).toEqual(["api.test", "shop.test"]);
    });

    it("without targets (503) while the Service has no ready endpoint, as an Ingress's backend", () => {
      const content = compile({ services: [web], endpointSlices: [] }).content;
      expect(content.backends[0]?.targets).toEqual([]);
      expect(Object.keys(routes(content))).toEqual(["shop.test"]);
    });

    it("with health checks: a failed target is marked down, all of them failing is failing open and reported on the Service", () => {
      const nodeDown = (...addresses: string[]) => new Set(addresses.map((address) => healthCheckKey(kubeProxyHealthCheck(10256), address, 30080)));
      expect(compile({ services: [web] }, nodeDown("127.0.0.3")).content.backends[0]?.down).toEqual(["node-b"]);
      const content = compile({ services: [web] }, nodeDown("127.0.0.2", "127.0.0.3", "127.0.0.4")).content;
      expect(content.backends[0]?.failedOpen).toBe(true);
      expect(reasons(content)).toEqual([expect.stringMatching(/^Service shop\/web: backend shop\/web:http: every target failed/)]);
    });
  });

  describe("TLS, through the annotations an Ingress uses", () => {
    it("tls: \"true\" makes every served host a TLS host, http redirected to https", () => {
      expect(compile({ services: [withHosts("shop/web", "shop.test,*.shop.test", { annotations: { "edge-ingress.dev/tls": "true" } })] }).content.tls).toEqual([
        { host: "*.shop.test", redirect: true },
        { host: "shop.test", redirect: true },
      ]);
    });
    it("ssl-redirect: \"false\" keeps plain http served", () => {
      const annotations = { "edge-ingress.dev/tls": "true", "edge-ingress.dev/ssl-redirect": "false" };
      expect(compile({ services: [withHosts("shop/web", "shop.test", { annotations })] }).content.tls).toEqual([{ host: "shop.test", redirect: false }]);
    });
    it("without tls, no TLS host (http and https both served, as for an Ingress without spec.tls); an invalid value is reported", () => {
      expect(compile({ services: [web] }).content.tls).toEqual([]);
      const content = compile({ services: [withHosts("shop/web", "shop.test", { annotations: { "edge-ingress.dev/tls": "yes" } })] }).content;
      expect(content.tls).toEqual([]);
      expect(reasons(content)).toEqual(['Service shop/web: annotation edge-ingress.dev/tls: "yes" is not "true" or "false"; using the default (false)']);
    });
  });

  describe("only when ours", () => {
    it.each([
      ["of another class", loadBalancer("shop/web", [{ name: "http", port: 80, nodePort: 30080 }], { hostnames: "shop.test", loadBalancerClass: "example.com/other" })],
      ["without a class", loadBalancer("shop/web", [{ name: "http", port: 80, nodePort: 30080 }], { hostnames: "shop.test", loadBalancerClass: null })],
      ["of type NodePort, with the annotation", { ...service("shop/web", [{ name: "http", port: 80, nodePort: 30080 }]), metadata: { namespace: "shop", name: "web", annotations: { "edge-ingress.dev/hostnames": "shop.test" } } }],
    ])("a Service %s is neither served nor reported", (_what, other) => {
      const result = compile({ services: [other] });
      expect(result.content.hosts).toEqual([]);
      expect(result.content.problems).toEqual([]);
      expect(result.servedServices).toEqual([]);
    });

    it("and a table without them keeps the version it had before Services could be sources", async () => {
      // The cluster and version of compile-table.test.ts's pinned table, plus Services the edge does not serve.
      const content = compileTable(cluster({
        ingresses: [
          ingress("default/a", [{ host: "a.test", service: "web", port: 80 }, { host: "a.test", path: "/api", service: "api", port: "http" }], { tls: ["a.test"] }),
          ingress("default/b", [{ host: "b.test", path: "/b", service: "web", port: 80 }], { annotations: { "edge-ingress.dev/affinity": "cookie", "edge-ingress.dev/health-check-path": "/ready" } }),
        ],
        services: [
          service("default/web", [{ name: "http", port: 80, nodePort: 30080 }]),
          service("default/api", [{ name: "http", port: 8080, nodePort: 30081 }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32000 }),
          loadBalancer("default/elsewhere", [{ port: 80, nodePort: 30500 }], { hostnames: "x.test", loadBalancerClass: "example.com/other" }),
          loadBalancer("default/classless", [{ port: 80, nodePort: 30501 }], { hostnames: "y.test", loadBalancerClass: null }),
        ],
        endpointSlices: [slice("default/web", [{ node: "node-a" }], ["http"]), slice("default/api", [{ node: "node-b" }], ["http"])],
      }), { ...defaultCompileOptions, nodeDomain: "nodes.test" }).content;
      expect(await hashTableContent(content)).toBe("sha256:4c378dfa9a524a9b09699a6f2bb7458eb68ef7373b09c6c3cbd229061b69b3c3");
    });
  });

  describe("reports what keeps a Service from being served, and serves the rest", () => {
    const problemsOf = (services: Service[]) => {
      const result = compile({ services });
      return { reasons: reasons(result.content), routes: routes(result.content), served: result.servedServices };
    };

    it("no hostnames annotation, or an empty one", () => {
      for (const bare of [loadBalancer("shop/web", [{ name: "http", port: 80, nodePort: 30080 }]), withHosts("shop/web", " , ")]) {
        expect(problemsOf([bare])).toEqual({
          reasons: ["Service shop/web: annotation edge-ingress.dev/hostnames names no host (comma-separated, exact or *.wildcard): not served"],
          routes: {},
          served: [],
        });
      }
    });

    it("an invalid host, left out while the others are served; a host listed twice is served once", () => {
      const result = problemsOf([withHosts("shop/web", "1.2.3.4, Shop.Test, shop.test, shop.test")]);
      expect(result.routes).toEqual({ "shop.test": ["/ Prefix → shop/web:http (Service shop/web)"] });
      expect(result.reasons).toEqual([
        'Service shop/web: annotation edge-ingress.dev/hostnames: host "1.2.3.4" must be a DNS name, not an IP address or with a port; left out',
        'Service shop/web: annotation edge-ingress.dev/hostnames: host "Shop.Test" is not a lower-case DNS name (or *. and one); left out',
      ]);
    });

    it("no nodePort because allocateLoadBalancerNodePorts is false", () => {
      expect(problemsOf([loadBalancer("shop/web", [{ name: "http", port: 80 }], { hostnames: "shop.test", allocateNodePorts: false })])).toEqual({
        reasons: ["Service shop/web: port http (80) has no nodePort (allocateLoadBalancerNodePorts: false): the edge reaches Services only through their nodePorts; not served"],
        routes: {},
        served: [],
      });
    });

    it("a port annotation naming no port of the Service", () => {
      const bad = withHosts("shop/web", "shop.test", { annotations: { "edge-ingress.dev/port": "grpc" } });
      expect(problemsOf([bad]).reasons).toEqual(['Service shop/web: annotation edge-ingress.dev/port: "grpc" is not a port of the Service (http (80)); not served']);
    });

    it("several ports and no port annotation", () => {
      const two = loadBalancer("shop/web", [{ name: "http", port: 80, nodePort: 30080 }, { port: 443, nodePort: 30443 }], { hostnames: "shop.test" });
      expect(problemsOf([two]).reasons).toEqual(["Service shop/web: has 2 ports (http (80), 443): name the one to serve in annotation edge-ingress.dev/port; not served"]);
    });

    it("a UDP port", () => {
      const udp = loadBalancer("shop/web", [{ name: "dns", port: 53, nodePort: 30053, protocol: "UDP" }], { hostnames: "shop.test" });
      expect(problemsOf([udp]).reasons).toEqual(["Service shop/web: port dns (53) is UDP: the edge serves HTTP over TCP only; not served"]);
    });

    it("an invalid policy annotation, replaced by its default as on an Ingress", () => {
      const bad = withHosts("shop/web", "shop.test", { annotations: { "edge-ingress.dev/affinity": "sticky" } });
      const result = problemsOf([bad]);
      expect(result.served).toEqual(["shop/web"]);
      expect(result.reasons).toEqual(['Service shop/web: annotation edge-ingress.dev/affinity: "sticky" is not "cookie" or "none"; using the default']);
    });
  });

  describe("settles a host served twice", () => {
    it("an Ingress's rules keep a host, however new the Ingress; the Service is reported for that host and served on its others", () => {
      const result = compile({
        services: [withHosts("shop/web", "shop.test, www.shop.test", { created: "2025-01-01T00:00:00Z" })],
        ingresses: [ingress("shop/api", [{ host: "shop.test", path: "/api", service: "web", port: 80 }], { created: "2026-06-01T00:00:00Z" })],
      });
      expect(routes(result.content)).toEqual({
        "shop.test": ["/api Prefix → shop/web:80 (shop/api)"],
        "www.shop.test": ["/ Prefix → shop/web:http (Service shop/web)"],
      });
      expect(reasons(result.content)).toEqual(["Service shop/web: host shop.test is already served by the Ingress shop/api (an Ingress's rules win over a LoadBalancer Service's); left out"]);
      expect(result.servedServices).toEqual(["shop/web"]);
    });

    it("a Service with every host taken is not served", () => {
      const result = compile({ services: [web], ingresses: [ingress("shop/api", [{ host: "shop.test", service: "web", port: 80 }])] });
      expect(result.servedServices).toEqual([]);
      expect(result.content.backends.map((b) => b.id)).toEqual(["shop/web:80"]);
    });

    it("an Ingress's TLS section for a host it does not route leaves the host to the Service, TLS included", () => {
      const tlsOnly = ingress("shop/cert", [{ host: "other.test", service: "web", port: 80 }], { tls: ["shop.test"], annotations: { "edge-ingress.dev/ssl-redirect": "false" } });
      const content = compile({ services: [withHosts("shop/web", "shop.test", { annotations: { "edge-ingress.dev/tls": "true" } })], ingresses: [tlsOnly] }).content;
      expect(Object.keys(routes(content))).toEqual(["other.test", "shop.test"]);
      expect(content.tls).toEqual([{ host: "shop.test", redirect: false }]);
    });

    it("Ingress rules without a host take no host from a Service: the Service's host is more precise", () => {
      const content = compile({ services: [web], ingresses: [ingress("shop/any", [{ service: "web", port: 80 }])] }).content;
      expect(Object.keys(routes(content))).toEqual(["", "shop.test"]);
      expect(content.problems).toEqual([]);
    });

    it("between two Services, the older keeps the host, whichever is listed first", () => {
      const older = withHosts("shop/older", "shop.test", { created: "2026-01-01T00:00:00Z" });
      const newer = withHosts("shop/newer", "shop.test, new.test", { created: "2026-02-01T00:00:00Z" });
      for (const services of [[older, newer], [newer, older]]) {
        const result = compile({ services, endpointSlices: [] });
        expect(routes(result.content)).toEqual({
          "new.test": ["/ Prefix → shop/newer:http (Service shop/newer)"],
          "shop.test": ["/ Prefix → shop/older:http (Service shop/older)"],
        });
        expect(reasons(result.content)).toEqual(["Service shop/newer: host shop.test is already served by the older Service shop/older; left out"]);
      }
    });
  });
});
