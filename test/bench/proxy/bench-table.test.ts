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

/** The backend the worker's matcher picks for any path of `host` in the benchmark's table. */
async function backendFor(host: string) {
  const validation = validateTable(JSON.parse(await buildBenchTable(options)));
  if (!validation.ok) throw new Error("invalid table");
  const decision = matchRequest(compileRoutes(validation.table), { scheme: "http", host, path: "/any/path" });
  if (decision.kind !== "route") throw new Error(`${host} is not routed: ${decision.kind}`);
  return decision.hit.backend;
}

describe("buildBenchTable", () => {
  it("writes a table the shared validator accepts", async () => {
    expect(validateTable(JSON.parse(await buildBenchTable(options))).ok).toBe(true);
  });

  it("routes every path of the benchmark host to the cookie-affine backend on the nodePort", async () => {
    const backend = await backendFor("bench.example");
    expect(backend.nodePort).toBe(30080);
    expect(backend.affinity).toEqual({ mode: "cookie", name: "EDGE", path: "/" });
  });

  it("routes every path of the plain host to a backend without affinity on the same nodePort", async () => {
    const backend = await backendFor("plain.bench.example");
    expect(backend.nodePort).toBe(30080);
    expect(backend.affinity).toBeUndefined();
  });
});
