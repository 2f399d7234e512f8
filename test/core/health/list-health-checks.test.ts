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

describe("listHealthChecks", () => {
  it("gives a backend without a health check of its own a TCP check of its nodePort on every Node", () => {
    const checks = listHealthChecks({ nodes, backends: [backend("default/web:80", {})] });
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
    expect(listHealthChecks({ nodes, backends: [local] })).toEqual([
      { key: "http://127.0.0.3:32000/healthz", kind: "http", address: "127.0.0.3", port: 32000, path: "/healthz", scheme: "http", nodes: ["node-b"] },
    ]);
  });

  it("sends an HTTP check without a port of its own to the backend's nodePort", () => {
    const checks = listHealthChecks({ nodes: nodes.slice(0, 1), backends: [backend("b", { healthCheck: { kind: "http", path: "/ready?full=1" } })] });
    expect(checks).toEqual([
      { key: "http://127.0.0.2:30080/ready?full=1", kind: "http", address: "127.0.0.2", port: 30080, path: "/ready?full=1", scheme: "http", nodes: ["node-a"] },
    ]);
  });

  it("probes an HTTPS backend's nodePort over HTTPS, its TCP check and kube-proxy's port as before, and keeps HTTP and HTTPS checks of one port apart", () => {
    const node = nodes.slice(0, 1);
    const https = { protocol: "https" as const };
    expect(listHealthChecks({ nodes: node, backends: [backend("a", { ...https, healthCheck: { kind: "http", path: "/ready" } })] })).toEqual([
      { key: "https://127.0.0.2:30080/ready", kind: "http", address: "127.0.0.2", port: 30080, path: "/ready", scheme: "https", nodes: ["node-a"] },
    ]);
    expect(listHealthChecks({ nodes: node, backends: [backend("b", { ...https, healthCheck: { kind: "http", path: "/healthz", port: 32000 } })] })[0]).toMatchObject({ key: "http://127.0.0.2:32000/healthz", scheme: "http" });
    expect(listHealthChecks({ nodes: node, backends: [backend("c", https)] })[0]?.key).toBe("tcp://127.0.0.2:30080");
    const both = listHealthChecks({ nodes: node, backends: [backend("d", { healthCheck: { kind: "http", path: "/ready" } }), backend("e", { ...https, healthCheck: { kind: "http", path: "/ready" } })] });
    expect(both.map((c) => c.key)).toEqual(["http://127.0.0.2:30080/ready", "https://127.0.0.2:30080/ready"]);
  });

  it("keeps checking targets that are down, so that they can rise again", () => {
    const checks = listHealthChecks({ nodes, backends: [backend("b", { down: ["node-a", "node-c"] })] });
    expect(checks.map((c) => c.address)).toEqual(["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
  });

  it("runs one check for backends that probe the same thing, whichever order they come in", () => {
    const plain = backend("default/web:80", {});
    const sticky = backend("default/web:80@default/shop", { affinity: { mode: "cookie", name: "s", path: "/" } });
    const other = backend("default/api:80", { nodePort: 30081, targets: [{ node: "node-a", weight: 1 }] });
    const checks = listHealthChecks({ nodes, backends: [plain, sticky, other] });
    expect(checks.map((c) => c.key)).toEqual(["tcp://127.0.0.2:30080", "tcp://127.0.0.2:30081", "tcp://127.0.0.3:30080", "tcp://127.0.0.4:30080"]);
    expect(listHealthChecks({ nodes, backends: [backend("x", { healthCheck: { kind: "tcp" } }), plain] }).map((c) => c.key)).toEqual(
      ["tcp://127.0.0.2:30080", "tcp://127.0.0.3:30080", "tcp://127.0.0.4:30080"],
    );
    expect(listHealthChecks({ nodes: [...nodes].reverse(), backends: [other, sticky, plain] })).toEqual(checks);
  });

  it("names every Node behind a shared address", () => {
    const twins: TableNode[] = [{ name: "twin-b", address: "127.0.0.2" }, { name: "twin-a", address: "127.0.0.2" }];
    expect(listHealthChecks({ nodes: twins, backends: [backend("b", {})] })).toEqual([
      { key: "tcp://127.0.0.2:30080", kind: "tcp", address: "127.0.0.2", port: 30080, nodes: ["twin-a", "twin-b"] },
    ]);
  });

  it("skips targets that name a Node the table does not list", () => {
    expect(listHealthChecks({ nodes, backends: [backend("b", { targets: [{ node: "gone", weight: 1 }] })] })).toEqual([]);
  });

  it("brackets IPv6 addresses in keys", () => {
    const checks = listHealthChecks({ nodes: [{ name: "v6", address: "::1" }], backends: [backend("b", {})] });
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
    const healthy = compileTable(state, defaultCompileOptions).content;
    const checks = listHealthChecks(healthy);
    expect(checks.map((c) => c.key)).toEqual([
      "http://127.0.0.3:32001/healthz",
      "http://127.0.0.4:32001/healthz",
      "tcp://127.0.0.2:30080",
      "tcp://127.0.0.3:30080",
      "tcp://127.0.0.4:30080",
    ]);
    const unhealthy = new Set(["http://127.0.0.4:32001/healthz", "tcp://127.0.0.2:30080"]);
    const degraded = compileTable(state, { ...defaultCompileOptions, unhealthy }).content;
    expect(degraded.backends.map((b) => [b.id, b.down])).toEqual([
      ["default/api:80", ["node-c"]],
      ["default/web:80", ["node-a"]],
    ]);
    expect(listHealthChecks(degraded)).toEqual(checks);
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
        ["tcp://127.0.0.2:30080", ["node-a"]],
        ["tcp://127.0.0.4:30080", ["node-c"]],
        ["tcp://127.0.1.3:30080", ["node-b"]],
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
