import { afterEach, describe, expect, it } from "vitest";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { compileTable } from "../../../core/compile/compile-table.ts";
import { listHealthChecks } from "../../../core/health/list-health-checks.ts";
import { indexNodes, resolveTargets } from "../../../core/table/resolve-targets.ts";
import type { TableContent } from "../../../core/table/schema.ts";
import { createHealthChecker, type HealthChecker } from "../../../sync-agent/health/health-checker.ts";
import { cluster, ingress, service, slice } from "../../support/cluster-builder.ts";
import { type LoopbackServer, startTcpServer } from "./loopback-servers.ts";

/*
 * The round the sync loop makes, by hand: compile with the checker's unhealthy keys, give the checker the
 * table's checks, recompile when it reports a change. Nodes are 127.0.0.2, .3 and .4 (the cluster builder's).
 * kube-proxy's health port is off here, so each Node's nodePort is what is probed (a cluster without kube-proxy).
 */

const servers: LoopbackServer[] = [];
let checker: HealthChecker | null = null;
afterEach(async () => {
  await checker?.stop();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function changed(of: HealthChecker): Promise<void> {
  return new Promise((resolve) => {
    const off = of.onChange(() => {
      off();
      resolve();
    });
  });
}

describe("health checks feeding the compiler", () => {
  it("without kube-proxy, takes a Node whose nodePort is dead out of the table's targets, and puts it back once it answers again", async () => {
    const a = await startTcpServer("127.0.0.2");
    const c = await startTcpServer("127.0.0.4", a.port);
    servers.push(a, c);
    const nodePort = a.port;
    const state = cluster({
      services: [service("default/web", [{ port: 80, nodePort }])],
      endpointSlices: [slice("default/web", [{ node: "node-a" }])],
      ingresses: [ingress("default/site", [{ path: "/", service: "web", port: 80 }])],
    });
    const active = createHealthChecker({ intervalMs: 150, timeoutMs: 150, rise: 1, fall: 2, concurrency: 4 });
    checker = active;
    const compile = (): TableContent => {
      const result = compileTable(state, { ...defaultCompileOptions, kubeProxyHealthPort: null, unhealthy: active.unhealthy() });
      active.setChecks(listHealthChecks(result.content, result.probeAddresses, result.kubeProxyHealthPort));
      return result.content;
    };
    const targetsOf = (table: TableContent): string[] => {
      const backend = table.backends[0];
      return backend === undefined ? [] : resolveTargets(indexNodes(table.nodes), backend).map((t) => t.node);
    };

    const down = changed(active);
    expect(targetsOf(compile())).toEqual(["node-a", "node-b", "node-c"]);
    active.start();
    await down;
    const degraded = compile();
    expect(degraded.backends[0]?.down).toEqual(["node-b"]);
    expect(targetsOf(degraded)).toEqual(["node-a", "node-c"]);

    const up = changed(active);
    servers.push(await startTcpServer("127.0.0.3", nodePort));
    await up;
    const healed = compile();
    expect(healed.backends[0]?.down).toBeUndefined();
    expect(targetsOf(healed)).toEqual(["node-a", "node-b", "node-c"]);
  });
});
