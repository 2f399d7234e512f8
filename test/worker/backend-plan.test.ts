import { describe, expect, it } from "vitest";
import { importCookieKey } from "../../worker/affinity/cookie-affinity.ts";
import { planBackend } from "../../worker/proxy/backend-plan.ts";
import { loadTable } from "../../worker/table/loaded-table.ts";
import { createFetchTransport } from "../../worker/transport/fetch-transport.ts";
import { backend, sealed } from "./support/tables.ts";

describe("backend plan", () => {
  it("is worked out once per table, transport and cookie key, and then reused", async () => {
    const table = await sealed({
      nodes: [{ name: "node-a", address: "127.0.0.2" }, { name: "node-b", address: "127.0.0.3", hostname: "b.nodes.example" }],
      backends: [backend("default/sticky:80", 30080, { affinity: { mode: "cookie", name: "S", path: "/" } })],
    });
    const loaded = loadTable(table, "kv", 0);
    const sticky = table.backends[0];
    if (sticky === undefined) throw new Error("no backend");
    const deployed = createFetchTransport({ allowIpTargets: false });
    const key = await importCookieKey("a-cookie-key-of-at-least-32-characters");
    const plan = await planBackend(loaded, sticky, deployed, key);
    expect(plan.targets.map((t) => t.node)).toEqual(["node-a", "node-b"]);
    expect(plan.reachable.map((t) => t.node)).toEqual(["node-b"]);
    expect(plan.unreachable?.code).toBe("target-needs-hostname");
    expect(plan.cookies?.setCookieByNode.get("node-a")?.https).toMatch(/^S=[A-Za-z0-9_-]{22}; Path=\/; Secure; HttpOnly$/);
    expect(planBackend(loaded, sticky, deployed, key)).toBe(plan);
    const local = await planBackend(loaded, sticky, createFetchTransport({ allowIpTargets: true }), key);
    expect(local.reachable.map((t) => t.node)).toEqual(["node-a", "node-b"]);
    expect((await planBackend(loaded, sticky, local.transport, null)).cookies).toBeNull();
  });
});
