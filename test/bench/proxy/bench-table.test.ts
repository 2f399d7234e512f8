import { describe, expect, it } from "vitest";
import { compileRoutes, matchRequest } from "../../../core/match/match-request.ts";
import { validateTable } from "../../../core/table/validate-table.ts";
import { buildBenchTable } from "../../../bench/proxy/bench-table.ts";

const options = {
  host: "bench.example",
  plainHost: "plain.bench.example",
  nodes: [
    { name: "node-a", address: "127.0.0.2" },
    { name: "node-b", address: "127.0.0.3" },
  ],
  nodePort: 30080,
  cookieName: "EDGE",
};

describe("buildBenchTable", () => {
  it("writes a table the shared validator accepts", async () => {
    expect(validateTable(JSON.parse(await buildBenchTable(options))).ok).toBe(true);
  });

  it("routes every path of the benchmark host to the cookie-affine backend on the nodePort", async () => {
    const validation = validateTable(JSON.parse(await buildBenchTable(options)));
    if (!validation.ok) throw new Error("invalid table");
    const decision = matchRequest(compileRoutes(validation.table), { scheme: "http", host: "bench.example", path: "/any/path" });
    expect(decision.kind).toBe("route");
    if (decision.kind !== "route") return;
    expect(decision.hit.backend.nodePort).toBe(30080);
    expect(decision.hit.backend.affinity).toEqual({ mode: "cookie", name: "EDGE", path: "/" });
  });

  it("routes every path of the plain host to a backend without affinity on the same nodePort", async () => {
    const validation = validateTable(JSON.parse(await buildBenchTable(options)));
    if (!validation.ok) throw new Error("invalid table");
    const decision = matchRequest(compileRoutes(validation.table), { scheme: "http", host: "plain.bench.example", path: "/any/path" });
    expect(decision.kind).toBe("route");
    if (decision.kind !== "route") return;
    expect(decision.hit.backend.nodePort).toBe(30080);
    expect(decision.hit.backend.affinity).toBeUndefined();
  });
});
