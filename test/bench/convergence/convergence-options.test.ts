import { describe, expect, it } from "vitest";
import { parseConvergenceOptions } from "../../../bench/convergence/convergence-options.ts";
import { probeHost, probeIngress } from "../../../bench/convergence/probe-ingress.ts";

describe("parseConvergenceOptions", () => {
  it("defaults to 10 changes, each after 1.2 s of quiet, on both edges", () => {
    expect(parseConvergenceOptions([])).toEqual({ changes: 10, quietMs: 1200, probeEveryMs: 5, https: true });
  });

  it("lists every bad option at once", () => {
    expect(() => parseConvergenceOptions(["--changes", "0", "--quiet-ms", "x"])).toThrow(/--changes must be[\s\S]*--quiet-ms must be/);
  });
});

describe("the probe Ingress", () => {
  it("names a new host at each change", () => {
    expect(probeIngress(3)).toContain(`- host: ${probeHost(3)}\n`);
    expect(probeHost(3)).not.toBe(probeHost(4));
  });
});
