import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { CUSTOM_PORTS_DATE, FREE_PLAN_GZIP_LIMIT_BYTES } from "../../scripts/deploy/check-deploy-settings.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface DeployReport {
  readonly rawBytes: number;
  readonly gzipBytes: number;
  readonly compatibilityDate: string | null;
  readonly allowIpTargets: unknown;
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/** wrangler.toml as a user has it after step 1 of "Deploying": a real namespace id and a route; in a folder of its own. */
async function deployableConfig(): Promise<{ path: string; remove: () => Promise<void> }> {
  const text = (await readFile(join(root, "wrangler.toml"), "utf8"))
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(root, "worker", "index.ts"))}`)
    .replace('id = "00000000000000000000000000000000"', 'id = "0f2ac74b498b48028cb68387c421e279"')
    // Top-level keys go before the first [table].
    .replace(/^keep_names = false$/m, 'keep_names = false\nroutes = [{ pattern = "shop.example.com", custom_domain = true }]');
  const { dir, remove } = await makeTempDir({ "wrangler.toml": text });
  return { path: join(dir, "wrangler.toml"), remove };
}

async function runCheckDeploy(args: string[] = []): Promise<{ code: number; stdout: string; report: DeployReport }> {
  const script = [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(root, "scripts", "check-deploy.ts"), ...args];
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
    execFile(process.execPath, script, { cwd: root, timeout: 90_000 }, (error, out) => {
      if (error !== null && typeof error.code !== "number") reject(error);
      else resolve({ code: error === null ? 0 : Number(error.code), stdout: out });
    });
  });
  const lines = stdout.trim().split("\n");
  return { code, stdout, report: JSON.parse(lines[lines.length - 1] ?? "") as DeployReport };
}

describe("npm run check:deploy", () => {
  it(
    "as shipped, says what is still missing before wrangler deploy and exits 1: the placeholder KV namespace id; warns of routes, secrets and the Free plan",
    async () => {
      const { code, stdout, report } = await runCheckDeploy();
      expect(code).toBe(1);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.stringMatching(/TABLE_KV namespace id "0{32}" is the local-development placeholder: run `npx wrangler kv namespace create TABLE_KV`/)]);
      expect(report.warnings).toEqual(expect.arrayContaining([
        expect.stringMatching(/no routes or custom domains/),
        expect.stringMatching(/EDGE_POINTER_CHECK_MS=4000: up to 21,600 Durable Object requests per isolate per day/),
        expect.stringMatching(/npx wrangler secret list/),
      ]));
      expect(stdout).toMatch(/^PROBLEM .*placeholder/m);
      expect(stdout).toMatch(/^not ready: 1 problem/m);
    },
    120_000,
  );

  it(
    "bundles the worker with wrangler's dry run, within the Free plan's 3 MB, and passes a deployable config (namespace id, route)",
    async () => {
      const config = await deployableConfig();
      try {
        const { code, stdout, report } = await runCheckDeploy(["--config", config.path]);
        expect(report.problems).toEqual([]);
        expect(report.ok).toBe(true);
        expect(code).toBe(0);
        expect(report.warnings.some((warning) => warning.includes("no routes"))).toBe(false);
        expect(report.gzipBytes).toBeGreaterThan(10_000);
        expect(report.gzipBytes).toBeLessThanOrEqual(FREE_PLAN_GZIP_LIMIT_BYTES);
        expect(report.rawBytes).toBeGreaterThan(report.gzipBytes);
        expect(stdout).toMatch(/KiB raw, .* KiB gzip/);
      } finally {
        await config.remove();
      }
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
