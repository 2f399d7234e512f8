import { describe, expect, it } from "vitest";
import {
  checkBundleSize,
  checkDeployReadiness,
  checkDeploySettings,
  type DeployEnvironment,
  describeKvReads,
  FREE_PLAN_GZIP_LIMIT_BYTES,
  type DeploySettings,
} from "../../../scripts/deploy/check-deploy-settings.ts";

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

describe("checkDeployReadiness", () => {
  const ready: DeployEnvironment = {
    environment: "[top level]",
    kvNamespaces: [{ binding: "TABLE_KV", id: "0f2ac74b498b48028cb68387c421e279" }],
    routes: [{ pattern: "shop.example.com", custom_domain: true }],
    vars: {},
    durableObjects: [{ name: "TABLE_POINTER", className: "TablePointer" }],
    sqliteClasses: ["TablePointer"],
  };

  it("has no problem with a real namespace id and a route, and always says which secrets to check and what the Free plan allows", () => {
    const { problems, warnings } = checkDeployReadiness([ready]);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/^\[top level\]: EDGE_POINTER_CHECK_MS=4000: up to 21,600 Durable Object requests per isolate per day .* within the Free plan/),
      expect.stringMatching(/npx wrangler secret list.*EDGE_PUSH_PUBLIC_JWK.*EDGE_COOKIE_KEY/),
      expect.stringMatching(/^Free plan: 1,000 KV writes a day, about two per table change .* 10 ms of CPU per request/),
    ]);
  });

  it("refuses the all-zeros placeholder id, an empty one, and an environment without the TABLE_KV binding, saying what to run", () => {
    const { problems } = checkDeployReadiness([
      { ...ready, kvNamespaces: [{ binding: "TABLE_KV", id: "00000000000000000000000000000000" }] },
      { ...ready, environment: "[env.staging]", kvNamespaces: [{ binding: "TABLE_KV", id: "" }] },
      { ...ready, environment: "[env.eu]", kvNamespaces: [] },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^\[top level\]: the TABLE_KV namespace id "0{32}" is the local-development placeholder: run `npx wrangler kv namespace create TABLE_KV`/),
      expect.stringMatching(/^\[env\.staging\]: the TABLE_KV namespace id "" is the local-development placeholder/),
      expect.stringMatching(/^\[env\.eu\]: no kv_namespaces entry with binding TABLE_KV/),
    ]);
  });

  it("warns, without blocking, when no route or custom domain brings the hosts to the Worker", () => {
    const { problems, warnings } = checkDeployReadiness([{ ...ready, routes: [] }]);
    expect(problems).toEqual([]);
    expect(warnings[0]).toMatch(/^\[top level\]: no routes or custom domains: .*custom_domain = true/);
  });

  it("turns the refresh interval into KV reads per isolate per day against the Free plan's 100,000", () => {
    expect(describeKvReads(5000)).toMatch(/^EDGE_TABLE_REFRESH_MS=5000 means up to 17,280 KV reads per isolate per day .* enough for 5.8 isolates/);
    expect(describeKvReads(60_000)).toMatch(/1,440 KV reads per isolate per day .* enough for 69 isolates/);
    const { warnings } = checkDeployReadiness([{ ...ready, durableObjects: [], vars: { EDGE_TABLE_REFRESH_MS: "0" } }]);
    expect(warnings[0]).toMatch(/EDGE_TABLE_REFRESH_MS=0 reads KV on every request/);
    expect(warnings[1]).toMatch(/no TABLE_POINTER Durable Object binding: the edge polls the table's head in KV/);
    expect(checkDeployReadiness([{ ...ready, sqliteClasses: [] }]).problems).toEqual([expect.stringMatching(/new_sqlite_classes = \["TablePointer"\]/)]);
  });
});
