import { describe, expect, it } from "vitest";
import { checkBundleSize, checkDeploySettings, FREE_PLAN_GZIP_LIMIT_BYTES, type DeploySettings } from "../../../scripts/deploy/check-deploy-settings.ts";

const good: DeploySettings = { compatibilityDate: "2026-04-01", compatibilityFlags: [], varsByEnvironment: [{ environment: "[vars]", vars: { EDGE_ALLOW_IP_TARGETS: "false" } }] };

describe("checkDeploySettings", () => {
  it("accepts a dated config that keeps IP targets off", () => {
    expect(checkDeploySettings(good)).toEqual([]);
    expect(checkDeploySettings({ ...good, compatibilityDate: "2024-09-02", varsByEnvironment: [{ environment: "[vars]", vars: {} }] })).toEqual([]);
  });

  it("refuses a compatibility date before custom ports, or none", () => {
    expect(checkDeploySettings({ ...good, compatibilityDate: "2024-09-01" })).toEqual([expect.stringMatching(/before 2024-09-02/)]);
    expect(checkDeploySettings({ ...good, compatibilityDate: undefined })).toEqual([expect.stringMatching(/must be set/)]);
  });

  it("refuses the flag that turns custom ports off", () => {
    expect(checkDeploySettings({ ...good, compatibilityFlags: ["ignore_custom_ports"] })).toEqual([expect.stringMatching(/ignore_custom_ports/)]);
  });

  it("refuses EDGE_ALLOW_IP_TARGETS on in any environment, naming it", () => {
    const settings = { ...good, varsByEnvironment: [...good.varsByEnvironment, { environment: "[env.staging]", vars: { EDGE_ALLOW_IP_TARGETS: "true" } }] };
    expect(checkDeploySettings(settings)).toEqual([expect.stringMatching(/^\[env\.staging\]: EDGE_ALLOW_IP_TARGETS/)]);
    expect(checkDeploySettings({ ...good, varsByEnvironment: [{ environment: "[vars]", vars: { EDGE_ALLOW_IP_TARGETS: true } }] })).toHaveLength(1);
  });
});

describe("checkBundleSize", () => {
  it("passes a bundle at the limit and fails one a byte above it", () => {
    expect(checkBundleSize({ rawBytes: 9e6, gzipBytes: FREE_PLAN_GZIP_LIMIT_BYTES })).toEqual([]);
    expect(checkBundleSize({ rawBytes: 9e6, gzipBytes: FREE_PLAN_GZIP_LIMIT_BYTES + 1 })).toEqual([expect.stringMatching(/above the Free plan's 3072.00 KiB/)]);
  });
});
