import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { CUSTOM_PORTS_DATE, FREE_PLAN_GZIP_LIMIT_BYTES } from "../../scripts/deploy/check-deploy-settings.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface DeployReport {
  readonly rawBytes: number;
  readonly gzipBytes: number;
  readonly compatibilityDate: string | null;
  readonly allowIpTargets: unknown;
  readonly ok: boolean;
  readonly problems: readonly string[];
}

describe("npm run check:deploy", () => {
  it(
    "bundles the worker with wrangler's dry run, within the Free plan's 3 MB, from a deployable config",
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(root, "scripts", "check-deploy.ts")], { cwd: root, timeout: 90_000 });
      const lines = stdout.trim().split("\n");
      const report = JSON.parse(lines[lines.length - 1] ?? "") as DeployReport;
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.gzipBytes).toBeGreaterThan(10_000);
      expect(report.gzipBytes).toBeLessThanOrEqual(FREE_PLAN_GZIP_LIMIT_BYTES);
      expect(report.rawBytes).toBeGreaterThan(report.gzipBytes);
      expect(stdout).toMatch(/KiB raw, .* KiB gzip/);
    },
    120_000,
  );
});

describe("wrangler.toml as deployed", () => {
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") }, { hideWarnings: true });

  it("has a compatibility date that lets fetch() keep custom ports (NodePorts)", () => {
    expect(config.compatibility_date ?? "").toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((config.compatibility_date ?? "") >= CUSTOM_PORTS_DATE).toBe(true);
    expect(config.compatibility_flags).not.toContain("ignore_custom_ports");
  });

  it("never allows bare-IP targets by default", () => {
    expect(config.vars["EDGE_ALLOW_IP_TARGETS"]).toBe("false");
  });
});
