import { describe, expect, it } from "vitest";
import { kubeProxyHealthCheck, probedHealthCheck } from "../../../core/health/probed-health-check.ts";

describe("probedHealthCheck", () => {
  it("checks a Cluster backend without a check of its own on kube-proxy's health port, 10256 unless told", () => {
    expect(probedHealthCheck({}, undefined)).toEqual({ kind: "http", path: "/healthz", port: 10256 });
    expect(probedHealthCheck({}, 20256)).toEqual(kubeProxyHealthCheck(20256));
  });

  it("falls back to a TCP connect to the nodePort without kube-proxy, and for a Local backend without a healthCheckNodePort", () => {
    expect(probedHealthCheck({}, null)).toEqual({ kind: "tcp" });
    expect(probedHealthCheck({ trafficPolicy: "Local" }, 10256)).toEqual({ kind: "tcp" });
  });

  it("uses a check the backend names, whatever kube-proxy's port", () => {
    const own = [{ kind: "tcp" }, { kind: "http", path: "/ready" }, { kind: "http", path: "/healthz", port: 32000 }] as const;
    for (const healthCheck of own) {
      for (const port of [undefined, 10256, null]) expect(probedHealthCheck({ healthCheck }, port)).toBe(healthCheck);
      expect(probedHealthCheck({ healthCheck, trafficPolicy: "Local" }, 10256)).toBe(healthCheck);
    }
  });
});
