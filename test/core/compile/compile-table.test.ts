import { describe, expect, it } from "vitest";
import type { ClusterState } from "../../../core/compile/cluster-objects.ts";
import { compileTable, failedOpenReason } from "../../../core/compile/compile-table.ts";
import { type CompileOptions, defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { healthCheckKey } from "../../../core/health/health-check-key.ts";
import { listHealthChecks } from "../../../core/health/list-health-checks.ts";
import { kubeProxyHealthCheck } from "../../../core/health/probed-health-check.ts";
import { hashTableContent } from "../../../core/table/hash-table.ts";
import { serializeTable, sealTable } from "../../../core/table/hash-table.ts";
import { validateTable } from "../../../core/table/validate-table.ts";
import { type Backend, backendService, type TableContent } from "../../../core/table/schema.ts";
import { cluster, edgeClass, ingress, node, service, slice } from "../../support/cluster-builder.ts";

const web = service("default/web", [{ name: "http", port: 80, nodePort: 30080 }]);
const webReady = slice("default/web", [{ node: "node-a" }], ["http"]);

function compile(parts: Partial<ClusterState>, options: Partial<CompileOptions> = {}): TableContent {
  return compileTable(cluster({ services: [web], endpointSlices: [webReady], ...parts }), { ...defaultCompileOptions, ...options }).content;
}

function backendOf(content: TableContent, id = "default/web:80"): Backend | undefined {
  return content.backends.find((b) => b.id === id);
}

/** Keys of the shared per-Node check (kube-proxy's /healthz on 10256) failing at these addresses. */
const kubeProxyDown = (...addresses: string[]): Set<string> => new Set(addresses.map((address) => healthCheckKey(kubeProxyHealthCheck(10256), address, 30080)));

const served = (content: TableContent): string[] => content.hosts.flatMap((h) => h.rules.map((r) => r.ingress));
const reasons = (content: TableContent): string[] => content.problems.map((p) => `${p.object}: ${p.reason}`);

describe("compileTable", () => {
  describe("selects the Ingresses of our class", () => {
    it("serves an Ingress whose ingressClassName is edge", () => {
      expect(served(compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])] }))).toEqual(["default/a"]);
    });
    it("ignores an Ingress of another class", () => {
      expect(served(compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }], { className: "nginx" })] }))).toEqual([]);
    });
    it("serves a class-less Ingress whose legacy annotation names edge", () => {
      const legacy = ingress("default/a", [{ service: "web", port: 80 }], { className: null, legacyClass: "edge" });
      expect(served(compile({ ingresses: [legacy] }))).toEqual(["default/a"]);
    });
    it("ignores a class-less Ingress whose legacy annotation names another class, even when edge is the default", () => {
      const legacy = ingress("default/a", [{ service: "web", port: 80 }], { className: null, legacyClass: "nginx" });
      expect(served(compile({ ingresses: [legacy], ingressClasses: [edgeClass({ isDefault: true })] }))).toEqual([]);
    });
    it("serves an Ingress with neither field nor annotation only when our IngressClass is the default", () => {
      const bare = ingress("default/a", [{ service: "web", port: 80 }], { className: null });
      expect(served(compile({ ingresses: [bare] }))).toEqual([]);
      expect(served(compile({ ingresses: [bare], ingressClasses: [edgeClass({ isDefault: true })] }))).toEqual(["default/a"]);
    });
    it("serves nothing, and says why, when the IngressClass named edge belongs to another controller", () => {
      const content = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])], ingressClasses: [edgeClass({ controller: "example.com/other" })] });
      expect(served(content)).toEqual([]);
      expect(reasons(content)[0]).toMatch(/^edge: .*example\.com\/other/);
    });
    it("takes over a class whose IngressClass belongs to ingress-nginx when told to serve it", () => {
      const nginx = edgeClass({ name: "nginx", controller: "k8s.io/ingress-nginx" });
      const old = ingress("default/a", [{ service: "web", port: 80 }], { className: "nginx" });
      const content = compile({ ingresses: [old], ingressClasses: [edgeClass(), nginx] }, { ingressClass: ["edge", "nginx"] });
      expect(served(content)).toEqual(["default/a"]);
      expect(content.problems).toEqual([]);
    });
    it("serves the Ingresses of every class it is given, and only those", () => {
      const content = compile({
        ingresses: [
          ingress("default/a", [{ host: "a.test", service: "web", port: 80 }], { className: "edge" }),
          ingress("default/b", [{ host: "b.test", service: "web", port: 80 }], { className: "nginx" }),
          ingress("default/c", [{ host: "c.test", service: "web", port: 80 }], { className: null, legacyClass: "nginx" }),
          ingress("default/d", [{ host: "d.test", service: "web", port: 80 }], { className: "traefik" }),
        ],
        ingressClasses: [],
      }, { ingressClass: ["edge", "nginx"] });
      expect(served(content)).toEqual(["default/a", "default/b", "default/c"]);
    });
    it("serves class-less Ingresses when any of its classes is the default", () => {
      const bare = ingress("default/a", [{ service: "web", port: 80 }], { className: null });
      const nginxDefault = edgeClass({ name: "nginx", controller: "k8s.io/ingress-nginx", isDefault: true });
      expect(served(compile({ ingresses: [bare], ingressClasses: [edgeClass(), nginxDefault] }, { ingressClass: ["edge", "nginx"] }))).toEqual(["default/a"]);
    });
    it("still serves one class when another it was given belongs to a foreign controller", () => {
      const content = compile({
        ingresses: [
          ingress("default/a", [{ host: "a.test", service: "web", port: 80 }]),
          ingress("default/b", [{ host: "b.test", service: "web", port: 80 }], { className: "nginx" }),
        ],
        ingressClasses: [edgeClass(), edgeClass({ name: "nginx", controller: "example.com/other" })],
      }, { ingressClass: ["edge", "nginx"] });
      expect(served(content)).toEqual(["default/a"]);
      expect(reasons(content)).toEqual([expect.stringMatching(/^nginx: IngressClass "nginx" names controller "example\.com\/other"/)]);
    });
    it("serves Ingresses of our class when no IngressClass object exists", () => {
      expect(served(compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])], ingressClasses: [] }))).toEqual(["default/a"]);
    });
    it("honours --ingress-class", () => {
      const other = ingress("default/a", [{ service: "web", port: 80 }], { className: "public" });
      expect(served(compile({ ingresses: [other], ingressClasses: [] }, { ingressClass: "public" }))).toEqual(["default/a"]);
    });
  });

  describe("merges Ingresses and settles conflicts by age", () => {
    it("merges different paths for one host from several Ingresses", () => {
      const content = compile({
        ingresses: [
          ingress("default/a", [{ host: "x.test", path: "/a", service: "web", port: 80 }]),
          ingress("default/b", [{ host: "x.test", path: "/b", service: "web", port: 80 }]),
        ],
      });
      expect(content.hosts).toHaveLength(1);
      expect(content.hosts[0]?.rules.map((r) => r.path)).toEqual(["/a", "/b"]);
    });
    it("gives a duplicate host and path to the oldest Ingress and reports the other", () => {
      const content = compile({
        ingresses: [
          ingress("default/young", [{ host: "x.test", path: "/", service: "web", port: 80 }], { created: "2026-03-01T00:00:00Z" }),
          ingress("default/old", [{ host: "x.test", path: "/", service: "web", port: 80 }], { created: "2026-01-01T00:00:00Z" }),
        ],
      });
      expect(served(content)).toEqual(["default/old"]);
      expect(reasons(content)).toContain("default/young: x.test / (Prefix) is already served by the older Ingress default/old; left out");
    });
    it("breaks a creation-time tie by namespace/name", () => {
      const content = compile({
        ingresses: [
          ingress("zeta/same", [{ host: "x.test", service: "web", port: 80 }]),
          ingress("alpha/same", [{ host: "x.test", service: "web", port: 80 }]),
        ],
        services: [service("alpha/web", [{ port: 80, nodePort: 30001 }]), service("zeta/web", [{ port: 80, nodePort: 30002 }])],
      });
      expect(served(content)).toEqual(["alpha/same"]);
    });
    it("counts ImplementationSpecific and Prefix of the same path as a conflict", () => {
      const content = compile({
        ingresses: [
          ingress("default/a", [{ host: "x.test", path: "/p", pathType: "Prefix", service: "web", port: 80 }], { created: "2026-01-01T00:00:00Z" }),
          ingress("default/b", [{ host: "x.test", path: "/p", pathType: "ImplementationSpecific", service: "web", port: 80 }], { created: "2026-02-01T00:00:00Z" }),
        ],
      });
      expect(served(content)).toEqual(["default/a"]);
    });
    it("keeps an Exact and a Prefix of the same path side by side", () => {
      const content = compile({
        ingresses: [ingress("default/a", [{ host: "x.test", path: "/p", pathType: "Prefix", service: "web", port: 80 }, { host: "x.test", path: "/p", pathType: "Exact", service: "web", port: 80 }])],
      });
      expect(content.hosts[0]?.rules.map((r) => r.pathType)).toEqual(["Exact", "Prefix"]);
    });
    it("takes the oldest Ingress's defaultBackend and reports the others", () => {
      const content = compile({
        ingresses: [
          ingress("default/b", [], { created: "2026-02-01T00:00:00Z", defaultBackend: { service: "web", port: 80 } }),
          ingress("default/a", [], { created: "2026-01-01T00:00:00Z", defaultBackend: { service: "web", port: "http" } }),
        ],
      });
      expect(content.defaultBackend).toEqual({ backend: "default/web:http", ingress: "default/a" });
      expect(reasons(content)).toContain("default/b: defaultBackend ignored: the older Ingress default/a already sets one");
    });
  });

  describe("resolves backends to NodePorts", () => {
    it("finds the Service port by number and keeps the port as written", () => {
      const backend = backendOf(compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])] }));
      expect(backend?.nodePort).toBe(30080);
      expect(backendService(backend?.id ?? "")).toEqual({ service: "default/web", port: 80 });
    });
    it("finds the Service port by name", () => {
      const backend = backendOf(compile({ ingresses: [ingress("default/a", [{ service: "web", port: "http" }])] }), "default/web:http");
      expect(backend?.nodePort).toBe(30080);
      expect(backendService(backend?.id ?? "")).toEqual({ service: "default/web", port: "http" });
    });
    it.each([
      ["a missing Service", { service: "nope", port: 80 }, "Service default/nope not found"],
      ["an unknown port number", { service: "web", port: 81 }, "Service default/web has no port 81"],
      ["an unknown port name", { service: "web", port: "grpc" }, 'Service default/web has no port "grpc"'],
    ])("reports %s and leaves that path out", (_what, backend, reason) => {
      const content = compile({ ingresses: [ingress("default/a", [{ host: "x.test", path: "/bad", ...backend }, { host: "x.test", path: "/good", service: "web", port: 80 }])] });
      expect(content.hosts[0]?.rules.map((r) => r.path)).toEqual(["/good"]);
      expect(reasons(content).some((r) => r.includes(reason))).toBe(true);
    });
    it("reports a ClusterIP Service: it has no nodePort", () => {
      const content = compile({
        ingresses: [ingress("default/a", [{ service: "internal", port: 80 }])],
        services: [service("default/internal", [{ port: 80 }], { type: "ClusterIP" })],
      });
      expect(content.hosts).toEqual([]);
      expect(reasons(content)[0]).toMatch(/Service default\/internal is ClusterIP and has no nodePort/);
    });
    it("reports a resource backend", () => {
      const resource = ingress("default/a", []);
      const withResource = {
        ...resource,
        spec: { ...resource.spec, rules: [{ host: "x.test", http: { paths: [{ path: "/", pathType: "Prefix", backend: { resource: { kind: "StorageBucket", name: "static" } } }] } }] },
      };
      const content = compile({ ingresses: [withResource] });
      expect(content.hosts).toEqual([]);
      expect(reasons(content)[0]).toMatch(/resource backends .* cannot be served/);
    });
    it("uses a Service from the Ingress's own namespace only", () => {
      const content = compile({ ingresses: [ingress("other/a", [{ service: "web", port: 80 }])] });
      expect(reasons(content)).toContain("other/a: (any host) /: Service other/web not found; left out");
    });
  });

  describe("chooses target Nodes", () => {
    const nodes = [
      node("ready", "127.0.0.2"),
      node("not-ready", "127.0.0.3", { ready: false }),
      node("excluded", "127.0.0.4", { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "" } }),
      node("deleting", "127.0.0.5", { deleting: true }),
      node("internal-only", "10.0.0.9", { internal: true }),
    ];
    const one = { ingresses: [ingress("default/a", [{ service: "web", port: 80 }])], nodes };
    it("lists only Ready Nodes that are not being deleted, not excluded, and have an ExternalIP", () => {
      expect(compile(one).nodes.map((n) => n.name)).toEqual(["ready"]);
    });
    it("uses an InternalIP only when allowed", () => {
      expect(compile(one, { allowInternalIp: true }).nodes.map((n) => n.address)).toEqual(["10.0.0.9", "127.0.0.2"]);
    });
    it("reports a Node without a usable address", () => {
      expect(reasons(compile(one))).toContain("internal-only: has no ExternalIP address: left out (--allow-internal-ip would use its InternalIP)");
    });
    it("gives each Node a hostname under --node-domain", () => {
      expect(compile(one, { nodeDomain: "nodes.example.com" }).nodes).toEqual([{ name: "ready", address: "127.0.0.2", hostname: "ready.nodes.example.com" }]);
    });
    it("sends a Cluster-policy Service to every eligible Node once it has a ready endpoint", () => {
      expect(backendOf(compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])] }))?.targets).toBe("all-nodes");
    });
    it("gives a Service with no ready endpoint no targets", () => {
      const content = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])], endpointSlices: [slice("default/web", [{ node: "node-a", ready: false }], ["http"])] });
      expect(backendOf(content)?.targets).toEqual([]);
    });
    it("counts only endpoints of slices that carry the Service port", () => {
      const content = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])], endpointSlices: [slice("default/web", [{ node: "node-a" }], ["metrics"])] });
      expect(backendOf(content)?.targets).toEqual([]);
    });
    it("sends a Local-policy Service only to Nodes with ready endpoints, weighted by their count, checking healthCheckNodePort", () => {
      const local = service("default/web", [{ name: "http", port: 80, nodePort: 30080 }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32000, type: "LoadBalancer" });
      const content = compile({
        ingresses: [ingress("default/a", [{ service: "web", port: 80 }])],
        services: [local],
        endpointSlices: [slice("default/web", [{ node: "node-c" }, { node: "node-a" }, { node: "node-c" }, { node: "node-b", ready: false }], ["http"])],
      });
      expect(backendOf(content)).toMatchObject({
        trafficPolicy: "Local",
        healthCheckNodePort: 32000,
        healthCheck: { kind: "http", path: "/healthz", port: 32000 },
        targets: [{ node: "node-a", weight: 1 }, { node: "node-c", weight: 2 }],
      });
    });
    it("marks down the targets whose health check failed", () => {
      const unhealthy = kubeProxyDown("127.0.0.3");
      const content = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])] }, { unhealthy });
      expect(backendOf(content)?.down).toEqual(["node-b"]);
      expect(backendOf(content)?.failedOpen).toBeUndefined();
      expect(serializeTable({ ...content, version: "v", generation: 1 })).not.toContain("failedOpen");
    });
    describe("fails open when every target failed its health check", () => {
      const twoPaths = ingress("default/a", [{ path: "/", service: "web", port: 80 }, { path: "/b", service: "web", port: 80 }]);
      it("marks none down, flags the backend and reports it once on each Ingress that uses it", () => {
        const other = ingress("default/b", [{ host: "b.test", service: "web", port: 80 }]);
        const content = compile({ ingresses: [twoPaths, other] }, { unhealthy: kubeProxyDown("127.0.0.2", "127.0.0.3", "127.0.0.4") });
        expect(backendOf(content)).toEqual({ id: "default/web:80", nodePort: 30080, targets: "all-nodes", failedOpen: true });
        expect(reasons(content)).toEqual([
          `default/a: ${failedOpenReason("default/web:80")}`,
          `default/b: ${failedOpenReason("default/web:80")}`,
        ]);
      });
      it("on a Local-policy backend, fails open to its Nodes with ready endpoints only", () => {
        const local = service("default/web", [{ name: "http", port: 80, nodePort: 30080 }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32000 });
        const unhealthy = new Set(["127.0.0.2", "127.0.0.4"].map((address) => healthCheckKey({ kind: "http", path: "/healthz", port: 32000 }, address, 30080)));
        const content = compile({ ingresses: [twoPaths], services: [local], endpointSlices: [slice("default/web", [{ node: "node-a" }, { node: "node-c" }], ["http"])] }, { unhealthy });
        expect(backendOf(content)).toMatchObject({ targets: [{ node: "node-a", weight: 1 }, { node: "node-c", weight: 1 }], failedOpen: true });
        expect(backendOf(content)?.down).toBeUndefined();
      });
      it("does not fail open a Service without a ready endpoint: no targets, as before", () => {
        const content = compile({ ingresses: [twoPaths], endpointSlices: [slice("default/web", [{ node: "node-a", ready: false }], ["http"])] }, { unhealthy: kubeProxyDown("127.0.0.2", "127.0.0.3", "127.0.0.4") });
        expect(backendOf(content)).toEqual({ id: "default/web:80", nodePort: 30080, targets: [] });
        expect(reasons(content)).toEqual([]);
      });
      it("stops failing open once one target passes again", () => {
        const content = compile({ ingresses: [twoPaths] }, { unhealthy: kubeProxyDown("127.0.0.2", "127.0.0.4") });
        expect(backendOf(content)).toEqual({ id: "default/web:80", nodePort: 30080, targets: "all-nodes", down: ["node-a", "node-c"] });
        expect(reasons(content)).toEqual([]);
      });
    });
  });

  describe("chooses how the agent checks a backend", () => {
    const checkedBy = (options: Partial<CompileOptions>, annotations?: Record<string, string>) => {
      const result = compileTable(cluster({ services: [web], endpointSlices: [webReady], ingresses: [ingress("default/a", [{ service: "web", port: 80 }], annotations === undefined ? {} : { annotations })] }), { ...defaultCompileOptions, ...options });
      return { backend: result.content.backends[0], keys: listHealthChecks(result.content, result.probeAddresses, result.kubeProxyHealthPort).map((c) => c.key), problems: reasons(result.content) };
    };

    it("writes nothing new for a Cluster backend checked through kube-proxy: its table reads and hashes as before", () => {
      const { backend, keys } = checkedBy({});
      expect(backend).toEqual({ id: "default/web:80", nodePort: 30080, targets: "all-nodes" });
      expect(keys).toEqual(["http://127.0.0.2:10256/healthz", "http://127.0.0.3:10256/healthz", "http://127.0.0.4:10256/healthz"]);
      expect(checkedBy({ kubeProxyHealthPort: null }).backend).toEqual(backend);
    });

    it("probes the nodePort over TCP where health-check: nodeport asks, naming that backend after its Ingress", () => {
      const { backend, keys, problems } = checkedBy({}, { "edge-ingress.dev/health-check": "nodeport" });
      expect(backend).toEqual({ id: "default/web:80@default/a", nodePort: 30080, healthCheck: { kind: "tcp" }, targets: "all-nodes" });
      expect(keys).toEqual(["tcp://127.0.0.2:30080", "tcp://127.0.0.3:30080", "tcp://127.0.0.4:30080"]);
      expect(problems).toEqual([]);
      const degraded = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }], { annotations: { "edge-ingress.dev/health-check": "nodeport" } })] }, { unhealthy: new Set(["tcp://127.0.0.3:30080", ...kubeProxyDown("127.0.0.2")]) });
      expect(backendOf(degraded, "default/web:80@default/a")?.down).toEqual(["node-b"]);
    });

    it("probes the nodePort over HTTP where health-check-path asks, with or without health-check: nodeport", () => {
      for (const annotations of [{ "edge-ingress.dev/health-check-path": "/ready" } as Record<string, string>, { "edge-ingress.dev/health-check-path": "/ready", "edge-ingress.dev/health-check": "nodeport" }]) {
        expect(checkedBy({}, annotations).keys).toEqual(["http://127.0.0.2:30080/ready", "http://127.0.0.3:30080/ready", "http://127.0.0.4:30080/ready"]);
      }
    });

    it("reports a health-check value it does not know and checks the backend the default way", () => {
      const { backend, keys, problems } = checkedBy({}, { "edge-ingress.dev/health-check": "tcp" });
      expect(backend).toEqual({ id: "default/web:80", nodePort: 30080, targets: "all-nodes" });
      expect(keys[0]).toBe("http://127.0.0.2:10256/healthz");
      expect(problems).toEqual(['default/a: annotation edge-ingress.dev/health-check: "tcp" is not "nodeport"; using the default']);
    });
  });

  describe("reads the balancing policy", () => {
    it("takes cookie affinity and its settings from the annotations", () => {
      const content = compile({
        ingresses: [ingress("default/a", [{ service: "web", port: 80 }], {
          annotations: {
            "edge-ingress.dev/affinity": "cookie",
            "edge-ingress.dev/session-cookie-name": "route",
            "edge-ingress.dev/session-cookie-max-age": "600",
            "edge-ingress.dev/session-cookie-path": "/app",
            "edge-ingress.dev/session-cookie-samesite": "strict",
          },
        })],
      });
      expect(backendOf(content, "default/web:80@default/a")?.affinity).toEqual({ mode: "cookie", name: "route", maxAge: 600, path: "/app", sameSite: "Strict" });
    });
    it("takes ClientIP affinity and its timeout from the Service", () => {
      const sticky = service("default/web", [{ name: "http", port: 80, nodePort: 30080 }], { sessionAffinity: "ClientIP", timeoutSeconds: 600 });
      expect(backendOf(compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }])], services: [sticky] }))?.affinity).toEqual({ mode: "client-ip", timeoutSeconds: 600 });
    });
    it("reports an invalid annotation value and uses the default", () => {
      const content = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }], { annotations: { "edge-ingress.dev/affinity": "cookie", "edge-ingress.dev/session-cookie-max-age": "soon" } })] });
      expect(backendOf(content, "default/web:80@default/a")?.affinity).toEqual({ mode: "cookie", name: "edge-route", path: "/" });
      expect(reasons(content)[0]).toMatch(/session-cookie-max-age: "soon" is not a whole number/);
    });
    it("checks the path given by health-check-path over HTTP on the nodePort", () => {
      const content = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }], { annotations: { "edge-ingress.dev/health-check-path": "/ready" } })] });
      expect(backendOf(content, "default/web:80@default/a")?.healthCheck).toEqual({ kind: "http", path: "/ready" });
    });
  });

  describe("chooses the protocol the edge speaks to a backend", () => {
    const withAppProtocol = (appProtocol: string) => service("default/web", [{ name: "http", port: 80, nodePort: 30080, appProtocol }]);
    const plain = [ingress("default/a", [{ service: "web", port: 80 }])];
    const annotated = (value: string) => [ingress("default/a", [{ service: "web", port: 80 }], { annotations: { "edge-ingress.dev/backend-protocol": value } })];

    it("speaks plain HTTP, and writes no protocol, when neither the Ingress nor the Service says", () => {
      expect(backendOf(compile({ ingresses: plain }))).not.toHaveProperty("protocol");
    });
    it.each(["HTTPS", "https", " Https "])("speaks HTTPS to an Ingress's backends annotated backend-protocol %j", (value) => {
      const content = compile({ ingresses: annotated(value) });
      expect(backendOf(content, "default/web:80@default/a")?.protocol).toBe("https");
      expect(content.problems).toEqual([]);
    });
    it.each([["https", "https"], ["kubernetes.io/https", "https"], ["kubernetes.io/wss", "https"], ["HTTPS", "https"], ["http", undefined], ["kubernetes.io/ws", undefined]])(
      "follows the Service port's appProtocol %s, sharing the backend between Ingresses",
      (appProtocol, protocol) => {
        const content = compile({ ingresses: plain, services: [withAppProtocol(appProtocol)] });
        expect(backendOf(content)?.protocol).toBe(protocol);
        expect(content.problems).toEqual([]);
      },
    );
    it("lets the annotation win over appProtocol, in a backend of the Ingress's own", () => {
      const content = compile({ ingresses: annotated("HTTP"), services: [withAppProtocol("https")] });
      expect(content.backends.map((b) => [b.id, b.protocol])).toEqual([["default/web:80@default/a", undefined]]);
    });
    it("keeps the backend shared when the annotation only repeats the Service's appProtocol", () => {
      const content = compile({ ingresses: annotated("HTTPS"), services: [withAppProtocol("https")] });
      expect(content.backends.map((b) => [b.id, b.protocol])).toEqual([["default/web:80", "https"]]);
    });
    it.each(["GRPC", "GRPCS", "FCGI", "AUTO_HTTP"])("reports backend-protocol %s as not supported and uses appProtocol instead", (value) => {
      const content = compile({ ingresses: annotated(value), services: [withAppProtocol("https")] });
      expect(backendOf(content)?.protocol).toBe("https");
      expect(reasons(content)).toEqual([`default/a: annotation edge-ingress.dev/backend-protocol: "${value}" is not supported (the edge speaks HTTP/1.1 to backends, over TCP or TLS: HTTP or HTTPS); using the Service port's appProtocol, else HTTP`]);
    });
    it("reports an unknown backend-protocol and uses plain HTTP", () => {
      const content = compile({ ingresses: annotated("TLS") });
      expect(backendOf(content)).not.toHaveProperty("protocol");
      expect(reasons(content)).toEqual(['default/a: annotation edge-ingress.dev/backend-protocol: "TLS" is not HTTP or HTTPS; using the Service port\'s appProtocol, else HTTP']);
    });
    it.each([
      ["kubernetes.io/h2c", "HTTP/2 without TLS (h2c) is not spoken by the edge"],
      ["grpc", "is not one the edge speaks (http, https, kubernetes.io/ws, kubernetes.io/wss)"],
    ])("reports appProtocol %s against the Service and speaks HTTP/1.1 in the clear", (appProtocol, why) => {
      const content = compile({ ingresses: plain, services: [withAppProtocol(appProtocol)] });
      expect(backendOf(content)).not.toHaveProperty("protocol");
      expect(content.problems).toEqual([{
        kind: "Service",
        object: "default/web",
        reason: `port http: appProtocol "${appProtocol}" ${why}; the edge sends HTTP/1.1 in the clear (set edge-ingress.dev/backend-protocol on the Ingress to choose)`,
      }]);
    });
    it("does not report an appProtocol the Ingress's annotation overrides", () => {
      expect(compile({ ingresses: annotated("HTTPS"), services: [withAppProtocol("kubernetes.io/h2c")] }).problems).toEqual([]);
    });
    it("health-checks an HTTPS backend's own nodePort over HTTPS, and kube-proxy's healthCheckNodePort over HTTP", () => {
      const local = service("default/web", [{ name: "http", port: 80, nodePort: 30080, appProtocol: "https" }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32000 });
      const content = compileTable(cluster({
        ingresses: [
          ingress("default/a", [{ host: "a.test", service: "web", port: 80 }], { annotations: { "edge-ingress.dev/health-check-path": "/ready" } }),
          ingress("default/b", [{ host: "b.test", service: "web", port: 80 }]),
        ],
        services: [local],
        endpointSlices: [slice("default/web", [{ node: "node-a" }], ["http"])],
      }), defaultCompileOptions).content;
      expect(listHealthChecks(content).map((c) => c.key)).toEqual(["http://127.0.0.2:32000/healthz", "https://127.0.0.2:30080/ready"]);
    });
    it("marks down an HTTPS backend's target by the key of its HTTPS check", () => {
      const unhealthy = new Set([healthCheckKey({ kind: "http", path: "/ready" }, "127.0.0.3", 30080, "https")]);
      const content = compile({ ingresses: [ingress("default/a", [{ service: "web", port: 80 }], { annotations: { "edge-ingress.dev/health-check-path": "/ready", "edge-ingress.dev/backend-protocol": "HTTPS" } })] }, { unhealthy });
      expect(backendOf(content, "default/web:80@default/a")?.down).toEqual(["node-b"]);
    });
  });

  describe("records TLS hosts", () => {
    it("redirects plain http for hosts in spec.tls", () => {
      expect(compile({ ingresses: [ingress("default/a", [{ host: "x.test", service: "web", port: 80 }], { tls: ["x.test"] })] }).tls).toEqual([{ host: "x.test", redirect: true }]);
    });
    it("takes a host's TLS section from the oldest Ingress that names it, whichever is listed first", () => {
      const content = compile({
        ingresses: [
          ingress("default/newer", [{ host: "x.test", service: "web", port: 80 }], { created: "2026-02-01T00:00:00Z", tls: ["x.test"] }),
          ingress("default/older", [{ host: "x.test", path: "/old", service: "web", port: 80 }], { created: "2026-01-01T00:00:00Z", tls: ["x.test"], annotations: { "edge-ingress.dev/ssl-redirect": "false" } }),
        ],
      });
      expect(content.tls).toEqual([{ host: "x.test", redirect: false }]);
    });
    it("does not redirect when ssl-redirect is false", () => {
      const content = compile({ ingresses: [ingress("default/a", [{ host: "x.test", service: "web", port: 80 }], { tls: ["x.test"], annotations: { "edge-ingress.dev/ssl-redirect": "false" } })] });
      expect(content.tls).toEqual([{ host: "x.test", redirect: false }]);
    });
  });

  describe("reports bad rules and serves the rest", () => {
    it.each([
      ["a missing pathType", { path: "/x", pathType: "" }, /pathType is required/],
      ["an unknown pathType", { path: "/x", pathType: "Regex" }, /pathType "Regex" is not/],
      ["a relative path", { path: "x", pathType: "Prefix" }, /must be absolute/],
      ["a path with //", { path: "/a//b", pathType: "Prefix" }, /must not contain \/\//],
      ["a path with /../", { path: "/a/../b", pathType: "Exact" }, /must not contain/],
      ["a path with %2F", { path: "/a%2Fb", pathType: "Prefix" }, /must not contain/],
    ])("reports %s", (_what, spec, reason) => {
      const content = compile({ ingresses: [ingress("default/a", [{ host: "x.test", path: "/ok", service: "web", port: 80 }, { host: "x.test", service: "web", port: 80, ...spec }])] });
      expect(content.hosts[0]?.rules.map((r) => r.path)).toEqual(["/ok"]);
      expect(reasons(content).some((r) => reason.test(r))).toBe(true);
    });
    it.each(["1.2.3.4", "Upper.Test", "x.test:8080", "*", "a.*.test"])("reports the invalid host %s", (host) => {
      const content = compile({ ingresses: [ingress("default/a", [{ host, service: "web", port: 80 }, { host: "ok.test", service: "web", port: 80 }])] });
      expect(content.hosts.map((h) => h.host)).toEqual(["ok.test"]);
      expect(content.problems).toHaveLength(1);
    });
    it("never throws on an Ingress with no spec at all", () => {
      const content = compile({ ingresses: [{ metadata: { name: "empty", annotations: { "kubernetes.io/ingress.class": "edge" } } }] });
      expect(reasons(content)).toEqual(["default/empty: has neither rules nor a defaultBackend"]);
    });
  });

  describe("is canonical", () => {
    const objects = {
      ingresses: [
        ingress("default/a", [{ host: "b.test", service: "web", port: 80 }, { host: "a.test", path: "/z", service: "web", port: 80 }, { host: "a.test", path: "/a", service: "web", port: 80 }]),
        ingress("default/b", [{ host: "c.test", service: "web", port: "http" }], { created: "2026-01-02T00:00:00Z" }),
      ],
    };
    it("gives byte-identical output whatever the order of the objects", async () => {
      const forward = compile(objects);
      const backward = compile({ ingresses: [...objects.ingresses].reverse(), nodes: [...cluster({}).nodes].reverse() });
      expect(serializeTable(await sealTable(backward, 1))).toBe(serializeTable(await sealTable(forward, 1)));
    });
    it("produces a table the shared validator accepts", async () => {
      expect(validateTable(JSON.parse(serializeTable(await sealTable(compile(objects), 1)))).ok).toBe(true);
    });
    it("gives a cluster of HTTP backends the version it had before backends could be HTTPS", async () => {
      // The version below was computed by the compiler at d2b69d6, before the backend protocol existed.
      const content = compileTable(cluster({
        ingresses: [
          ingress("default/a", [{ host: "a.test", service: "web", port: 80 }, { host: "a.test", path: "/api", service: "api", port: "http" }], { tls: ["a.test"] }),
          ingress("default/b", [{ host: "b.test", path: "/b", service: "web", port: 80 }], { annotations: { "edge-ingress.dev/affinity": "cookie", "edge-ingress.dev/health-check-path": "/ready" } }),
        ],
        services: [
          service("default/web", [{ name: "http", port: 80, nodePort: 30080 }]),
          service("default/api", [{ name: "http", port: 8080, nodePort: 30081 }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32000 }),
        ],
        endpointSlices: [slice("default/web", [{ node: "node-a" }], ["http"]), slice("default/api", [{ node: "node-b" }], ["http"])],
      }), { ...defaultCompileOptions, nodeDomain: "nodes.test" }).content;
      expect(await hashTableContent(content)).toBe("sha256:4c378dfa9a524a9b09699a6f2bb7458eb68ef7373b09c6c3cbd229061b69b3c3");
    });
    it("stays within 200 bytes per path rule", async () => {
      const ingresses = Array.from({ length: 500 }, (_, i) => ingress(`ns${i}/app`, [{ host: `app${i}.example.com`, path: "/api/v1", service: "web", port: 80 }]));
      const services = Array.from({ length: 500 }, (_, i) => service(`ns${i}/web`, [{ port: 80, nodePort: 30000 + i }]));
      const slices = Array.from({ length: 500 }, (_, i) => slice(`ns${i}/web`, [{ node: "node-a" }]));
      const content = compileTable(cluster({ ingresses, services, endpointSlices: slices }), defaultCompileOptions).content;
      const bytes = new TextEncoder().encode(serializeTable(await sealTable(content, 1))).length;
      expect(bytes / 500).toBeLessThanOrEqual(200);
    });
  });
});
