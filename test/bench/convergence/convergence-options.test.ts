import { describe, expect, it } from "vitest";
import { parseConvergenceOptions } from "../../../bench/convergence/convergence-options.ts";
import { probeHost, probeIngress } from "../../../bench/convergence/probe-ingress.ts";

describe("parseConvergenceOptions", () => {
  it("defaults to 10 changes, each after 1.2 s of quiet, on both edges", () => {
    expect(parseConvergenceOptions([])).toEqual({ changes: 10, quietMs: 1200, probeEveryMs: 5, https: true, edges: 1, checkMs: 4000, pointer: "durable-object" });
  });

  it("takes several edge processes, their check interval and where they read the pointer", () => {
    expect(parseConvergenceOptions(["--edges", "3", "--check-ms", "500", "--pointer", "kv"])).toMatchObject({ edges: 3, checkMs: 500, pointer: "kv" });
  });

  it("lists every bad option at once", () => {
    expect(() => parseConvergenceOptions(["--changes", "0", "--quiet-ms", "x", "--pointer", "redis"])).toThrow(/--changes must be[\s\S]*--quiet-ms must be[\s\S]*--pointer must be do or kv/);
  });
});

describe("the probe Ingress", () => {
  it("names a new host at each change", () => {
    expect(probeIngress(3)).toContain(`- host: ${probeHost(3)}\n`);
    expect(probeHost(3)).not.toBe(probeHost(4));
  });
});
