import { describe, expect, it } from "vitest";
import { compileTable } from "../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { listHealthChecks } from "../../../core/health/list-health-checks.ts";
import type { Backend, TableNode } from "../../../core/table/schema.ts";
import { cluster, ingress, node, service, slice } from "../../support/cluster-builder.ts";

const nodes: TableNode[] = [
  { name: "node-a", address: "127.0.0.2" },
  { name: "node-b", address: "127.0.0.3" },
  { name: "node-c", address: "127.0.0.4" },
];

function backend(id: string, overrides: Partial<Backend>): Backend {
  return { id, nodePort: 30080, targets: "all-nodes", ...overrides };
}

/** kube-proxy's health port off (`--kube-proxy-health-port off`): every nodePort is probed on every Node, as before. */
function listWithoutKubeProxy(table: Parameters<typeof listHealthChecks>[0], probeAddresses?: ReadonlyMap<string, string>) {
  return listHealthChecks(table, probeAddresses, null);
}

describe("listHealthChecks", () => {
  describe("with kube-proxy's health port (the default)", () => {
    it("checks every Cluster backend without a check of its own by one GET /healthz per Node on port 10256", () => {
      const web = backend("default/web:80", {});
      const api = backend("default/api:8080", { nodePort: 30081 });
      const tls = backend("default/tls:443", { nodePort: 30443, protocol: "https" });
      const kubeProxy = (address: string, node: string) => ({ key: `http://${address}:10256/healthz`, kind: "http", address, port: 10256, path: "/healthz", scheme: "http", nodes: [node] });
      expect(listHealthChecks({ nodes, backends: [web, api, tls] })).toEqual([
        kubeProxy("127.0.0.2", "node-a"),
        kubeProxy("127.0.0.3", "node-b"),
        kubeProxy("127.0.0.4", "node-c"),
      ]);
    });

    it("probes the port it is given", () => {
      expect(listHealthChecks({ nodes: nodes.slice(0, 1), backends: [backend("b", {})] }, new Map(), 20256).map((c) => c.key)).toEqual(["http://127.0.0.2:20256/healthz"]);
    });

    it("keeps a Local backend's healthCheckNodePort check on its listed Nodes, and a Local backend without one on its nodePort", () => {
      const withPort = backend("default/web:80", {
        trafficPolicy: "Local",
        healthCheckNodePort: 32000,
        healthCheck: { kind: "http", path: "/healthz", port: 32000 },
        targets: [{ node: "node-b", weight: 2 }],
      });
      const without = backend("default/api:80", { nodePort: 30081, trafficPolicy: "Local", targets: [{ node: "node-c", weight: 1 }] });
      expect(listHealthChecks({ nodes, backends: [withPort, without] }).map((c) => c.key)).toEqual(["http://127.0.0.3:32000/healthz", "tcp://127.0.0.4:30081"]);
    });

    it("probes the nodePort of a backend that asks for it (a path: HTTP, else TCP) beside the shared per-Node check", () => {
      const plain = backend("default/web:80", {});
      const path = backend("default/web:80@default/a", { healthCheck: { kind: "http", path: "/ready" } });
      const tcp = backend("default/api:80@default/b", { nodePort: 30081, healthCheck: { kind: "tcp" } });
      expect(listHealthChecks({ nodes: nodes.slice(0, 1), backends: [plain, path, tcp] }).map((c) => c.key)).toEqual([
        "http://127.0.0.2:10256/healthz",
        "http://127.0.0.2:30080/ready",
        "tcp://127.0.0.2:30081",
      ]);
    });

    it("asks kube-proxy over plain HTTP for an HTTPS backend, at the probed address", () => {
      const checks = listHealthChecks({ nodes: nodes.slice(0, 1), backends: [backend("b", { protocol: "https" })] }, new Map([["node-a", "127.0.0.9"]]));
      expect(checks).toEqual([{ key: "http://127.0.0.9:10256/healthz", kind: "http", address: "127.0.0.9", port: 10256, path: "/healthz", scheme: "http", nodes: ["node-a"] }]);
    });

    it("gives keys that mark a Node down in every Cluster backend, and fail open only where every Node failed", () => {
      const state = cluster({
        services: [
          service("default/web", [{ port: 80, nodePort: 30080 }]),
          service("default/shop", [{ port: 80, nodePort: 30082 }]),
          service("default/api", [{ port: 80, nodePort: 30081 }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32001 }),
        ],
        endpointSlices: [slice("default/web", [{ node: "node-a" }]), slice("default/shop", [{ node: "node-c" }]), slice("default/api", [{ node: "node-b" }, { node: "node-c" }])],
        ingresses: [ingress("default/site", [{ path: "/", service: "web", port: 80 }, { path: "/api", service: "api", port: 80 }, { path: "/shop", service: "shop", port: 80 }])],
      });
      const healthy = compileTable(state, defaultCompileOptions);
      const checks = listHealthChecks(healthy.content, healthy.probeAddresses, healthy.kubeProxyHealthPort);
      expect(checks.map((c) => c.key)).toEqual([
        "http://127.0.0.2:10256/healthz",
        "http://127.0.0.3:10256/healthz",
        "http://127.0.0.3:32001/healthz",
        "http://127.0.0.4:10256/healthz",
        "http://127.0.0.4:32001/healthz",
      ]);
      // kube-proxy on node-c answers 503: out of both Cluster backends; the Local one goes by its own check.
      const degraded = compileTable(state, { ...defaultCompileOptions, unhealthy: new Set(["http://127.0.0.4:10256/healthz"]) }).content;
      expect(degraded.backends.map((b) => [b.id, b.down])).toEqual([["default/api:80", undefined], ["default/shop:80", ["node-c"]], ["default/web:80", ["node-c"]]]);
      const everyNode = new Set(checks.filter((c) => c.port === 10256).map((c) => c.key));
      const failedOpen = compileTable(state, { ...defaultCompileOptions, unhealthy: everyNode }).content;
      expect(failedOpen.backends.map((b) => [b.id, b.down, b.failedOpen])).toEqual([
        ["default/api:80", undefined, undefined],
        ["default/shop:80", undefined, true],
        ["default/web:80", undefined, true],
      ]);
    });

    it("with the port off, gives keys of per-nodePort TCP checks that mark targets down", () => {
      const state = cluster({
        services: [service("default/web", [{ port: 80, nodePort: 30080 }])],
        endpointSlices: [slice("default/web", [{ node: "node-a" }])],
        ingresses: [ingress("default/site", [{ path: "/", service: "web", port: 80 }])],
      });
      const off = { ...defaultCompileOptions, kubeProxyHealthPort: null };
      const healthy = compileTable(state, off);
      expect(healthy.kubeProxyHealthPort).toBeNull();
      expect(listHealthChecks(healthy.content, healthy.probeAddresses, healthy.kubeProxyHealthPort).map((c) => c.key)).toEqual(["tcp://127.0.0.2:30080", "tcp://127.0.0.3:30080", "tcp://127.0.0.4:30080"]);
      expect(compileTable(state, { ...off, unhealthy: new Set(["tcp://127.0.0.3:30080"]) }).content.backends[0]?.down).toEqual(["node-b"]);
      // The per-Node key means nothing then.
      expect(compileTable(state, { ...off, unhealthy: new Set(["http://127.0.0.3:10256/healthz"]) }).content.backends[0]?.down).toBeUndefined();
    });
  });

  describe("without kube-proxy (its health port off)", () => {
    it("gives a Cluster backend without a health check of its own a TCP check of its nodePort on every Node", () => {
      const checks = listWithoutKubeProxy({ nodes, backends: [backend("default/web:80", {})] });
      expect(checks).toEqual([
        { key: "tcp://127.0.0.2:30080", kind: "tcp", address: "127.0.0.2", port: 30080, nodes: ["node-a"] },
        { key: "tcp://127.0.0.3:30080", kind: "tcp", address: "127.0.0.3", port: 30080, nodes: ["node-b"] },
        { key: "tcp://127.0.0.4:30080", kind: "tcp", address: "127.0.0.4", port: 30080, nodes: ["node-c"] },
      ]);
    });

    it("checks a Local-policy backend with GET /healthz on its healthCheckNodePort, only on its listed Nodes", () => {
      const local = backend("default/web:80", {
        trafficPolicy: "Local",
        healthCheckNodePort: 32000,
        healthCheck: { kind: "http", path: "/healthz", port: 32000 },
        targets: [{ node: "node-b", weight: 2 }],
      });
      expect(listWithoutKubeProxy({ nodes, backends: [local] })).toEqual([
        { key: "http://127.0.0.3:32000/healthz", kind: "http", address: "127.0.0.3", port: 32000, path: "/healthz", scheme: "http", nodes: ["node-b"] },
      ]);
    });

    it("sends an HTTP check without a port of its own to the backend's nodePort", () => {
      const checks = listWithoutKubeProxy({ nodes: nodes.slice(0, 1), backends: [backend("b", { healthCheck: { kind: "http", path: "/ready?full=1" } })] });
      expect(checks).toEqual([
        { key: "http://127.0.0.2:30080/ready?full=1", kind: "http", address: "127.0.0.2", port: 30080, path: "/ready?full=1", scheme: "http", nodes: ["node-a"] },
      ]);
    });

    it("probes an HTTPS backend's nodePort over HTTPS, its TCP check and a healthCheckNodePort as before, and keeps HTTP and HTTPS checks of one port apart", () => {
      const node = nodes.slice(0, 1);
      const https = { protocol: "https" as const };
      expect(listWithoutKubeProxy({ nodes: node, backends: [backend("a", { ...https, healthCheck: { kind: "http", path: "/ready" } })] })).toEqual([
        { key: "https://127.0.0.2:30080/ready", kind: "http", address: "127.0.0.2", port: 30080, path: "/ready", scheme: "https", nodes: ["node-a"] },
      ]);
      expect(listWithoutKubeProxy({ nodes: node, backends: [backend("b", { ...https, healthCheck: { kind: "http", path: "/healthz", port: 32000 } })] })[0]).toMatchObject({ key: "http://127.0.0.2:32000/healthz", scheme: "http" });
      expect(listWithoutKubeProxy({ nodes: node, backends: [backend("c", https)] })[0]?.key).toBe("tcp://127.0.0.2:30080");
      const both = listWithoutKubeProxy({ nodes: node, backends: [backend("d", { healthCheck: { kind: "http", path: "/ready" } }), backend("e", { ...https, healthCheck: { kind: "http", path: "/ready" } })] });
      expect(both.map((c) => c.key)).toEqual(["http://127.0.0.2:30080/ready", "https://127.0.0.2:30080/ready"]);
    });

    it("keeps checking targets that are down, so that they can rise again", () => {
      const checks = listWithoutKubeProxy({ nodes, backends: [backend("b", { down: ["node-a", "node-c"] })] });
      expect(checks.map((c) => c.address)).toEqual(["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
    });

    it("runs one check for backends that probe the same thing, whichever order they come in", () => {
      const plain = backend("default/web:80", {});
      const sticky = backend("default/web:80@default/shop", { affinity: { mode: "cookie", name: "s", path: "/" } });
      const other = backend("default/api:80", { nodePort: 30081, targets: [{ node: "node-a", weight: 1 }] });
      const checks = listWithoutKubeProxy({ nodes, backends: [plain, sticky, other] });
      expect(checks.map((c) => c.key)).toEqual(["tcp://127.0.0.2:30080", "tcp://127.0.0.2:30081", "tcp://127.0.0.3:30080", "tcp://127.0.0.4:30080"]);
      expect(listWithoutKubeProxy({ nodes, backends: [backend("x", { healthCheck: { kind: "tcp" } }), plain] }).map((c) => c.key)).toEqual(
        ["tcp://127.0.0.2:30080", "tcp://127.0.0.3:30080", "tcp://127.0.0.4:30080"],
      );
      expect(listWithoutKubeProxy({ nodes: [...nodes].reverse(), backends: [other, sticky, plain] })).toEqual(checks);
    });

    it("names every Node behind a shared address", () => {
      const twins: TableNode[] = [{ name: "twin-b", address: "127.0.0.2" }, { name: "twin-a", address: "127.0.0.2" }];
      expect(listWithoutKubeProxy({ nodes: twins, backends: [backend("b", {})] })).toEqual([
        { key: "tcp://127.0.0.2:30080", kind: "tcp", address: "127.0.0.2", port: 30080, nodes: ["twin-a", "twin-b"] },
      ]);
    });

    it("skips targets that name a Node the table does not list", () => {
      expect(listWithoutKubeProxy({ nodes, backends: [backend("b", { targets: [{ node: "gone", weight: 1 }] })] })).toEqual([]);
    });

    it("brackets IPv6 addresses in keys", () => {
      const checks = listWithoutKubeProxy({ nodes: [{ name: "v6", address: "::1" }], backends: [backend("b", {})] });
      expect(checks.map((c) => [c.key, c.address])).toEqual([["tcp://[::1]:30080", "::1"]]);
    });

    it("gives keys that mark targets down when the compiler gets them back as unhealthy", () => {
      const state = cluster({
        services: [
          service("default/web", [{ port: 80, nodePort: 30080 }]),
          service("default/api", [{ port: 80, nodePort: 30081 }], { externalTrafficPolicy: "Local", healthCheckNodePort: 32001 }),
        ],
        endpointSlices: [slice("default/web", [{ node: "node-a" }]), slice("default/api", [{ node: "node-b" }, { node: "node-c" }])],
        ingresses: [ingress("default/site", [{ path: "/", service: "web", port: 80 }, { path: "/api", service: "api", port: 80 }])],
      });
      const off = { ...defaultCompileOptions, kubeProxyHealthPort: null };
      const healthy = compileTable(state, off).content;
      const checks = listWithoutKubeProxy(healthy);
      expect(checks.map((c) => c.key)).toEqual([
        "http://127.0.0.3:32001/healthz",
        "http://127.0.0.4:32001/healthz",
        "tcp://127.0.0.2:30080",
        "tcp://127.0.0.3:30080",
        "tcp://127.0.0.4:30080",
      ]);
      const unhealthy = new Set(["http://127.0.0.4:32001/healthz", "tcp://127.0.0.2:30080"]);
      const degraded = compileTable(state, { ...off, unhealthy }).content;
      expect(degraded.backends.map((b) => [b.id, b.down])).toEqual([
        ["default/api:80", ["node-c"]],
        ["default/web:80", ["node-a"]],
      ]);
      expect(listWithoutKubeProxy(degraded)).toEqual(checks);
    });
  });

  describe("probes the address the agent can reach, not necessarily the one the edge uses", () => {
    // ExternalIPs behind a firewall open only to the edge (127.0.1.x here), InternalIPs reachable in the cluster.
    const state = cluster({
      nodes: [node("node-a", "127.0.1.2", { internalAddress: "127.0.0.2" }), node("node-b", "127.0.1.3"), node("node-c", "127.0.0.4", { internal: true })],
      services: [service("default/web", [{ port: 80, nodePort: 30080 }])],
      endpointSlices: [slice("default/web", [{ node: "node-a" }])],
      ingresses: [ingress("default/site", [{ path: "/", service: "web", port: 80 }])],
    });
    const options = { ...defaultCompileOptions, allowInternalIp: true };

    it("by default, a Node's InternalIP, else its ExternalIP; the table keeps the addresses the edge connects to", () => {
      const result = compileTable(state, options);
      expect(result.content.nodes.map((n) => [n.name, n.address])).toEqual([["node-a", "127.0.1.2"], ["node-b", "127.0.1.3"], ["node-c", "127.0.0.4"]]);
      expect(listHealthChecks(result.content, result.probeAddresses).map((c) => [c.key, c.nodes])).toEqual([
        ["http://127.0.0.2:10256/healthz", ["node-a"]],
        ["http://127.0.0.4:10256/healthz", ["node-c"]],
        ["http://127.0.1.3:10256/healthz", ["node-b"]],
      ]);
    });

    it("with probeAddress external, the table's own addresses", () => {
      const result = compileTable(state, { ...options, probeAddress: "external" });
      expect(listHealthChecks(result.content, result.probeAddresses).map((c) => c.address)).toEqual(["127.0.0.4", "127.0.1.2", "127.0.1.3"]);
    });

    it("gives keys the compiler marks down by, in either mode", () => {
      for (const probeAddress of ["internal", "external"] as const) {
        const healthy = compileTable(state, { ...options, probeAddress });
        const first = listHealthChecks(healthy.content, healthy.probeAddresses).find((c) => c.nodes.includes("node-a"));
        const degraded = compileTable(state, { ...options, probeAddress, unhealthy: new Set([first?.key ?? "none"]) });
        expect(degraded.content.backends[0]?.down).toEqual(["node-a"]);
      }
    });
  });
});
