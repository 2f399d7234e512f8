// `npm run check:deploy`: bundles the worker as `wrangler deploy` would (dry run, nothing uploaded), reports its
// size raw and gzip, and fails when it is above the Free plan's limit or the config is not deployable.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { unstable_readConfig } from "wrangler";
import { checkBundleSize, checkDeploySettings, formatKiB, FREE_PLAN_GZIP_LIMIT_BYTES, type DeploySettings } from "./deploy/check-deploy-settings.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const configPath = join(root, "wrangler.toml");

const config = unstable_readConfig({ config: configPath }, { hideWarnings: true });
const raw = readRawEnvironments(configPath);
const settings: DeploySettings = {
  compatibilityDate: config.compatibility_date,
  compatibilityFlags: config.compatibility_flags,
  varsByEnvironment: [{ environment: "[vars]", vars: config.vars }, ...raw],
};
const problems = checkDeploySettings(settings);

const outdir = mkdtempSync(join(tmpdir(), "edge-deploy-"));
let size = { rawBytes: 0, gzipBytes: 0 };
try {
  const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const run = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir, "--config", configPath], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (run.status !== 0) {
    process.stderr.write(`${run.stdout}${run.stderr}`);
    problems.push(`wrangler deploy --dry-run failed (exit ${run.status ?? run.signal})`);
  } else {
    // What wrangler uploads: the modules, not the source map or its README.
    const modules = readdirSync(outdir).filter((file) => !file.endsWith(".map") && file !== "README.md").sort();
    const bytes = Buffer.concat(modules.map((file) => readFileSync(join(outdir, file))));
    size = { rawBytes: bytes.length, gzipBytes: gzipSync(bytes).length };
    problems.push(...checkBundleSize(size));
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

const report = {
  rawBytes: size.rawBytes,
  gzipBytes: size.gzipBytes,
  gzipLimitBytes: FREE_PLAN_GZIP_LIMIT_BYTES,
  compatibilityDate: settings.compatibilityDate ?? null,
  allowIpTargets: config.vars["EDGE_ALLOW_IP_TARGETS"] ?? null,
  transport: config.vars["EDGE_TRANSPORT"] ?? null,
  ok: problems.length === 0,
  problems,
};
process.stdout.write(
  [
    `bundle            ${formatKiB(size.rawBytes)} raw, ${formatKiB(size.gzipBytes)} gzip (Free plan limit ${formatKiB(FREE_PLAN_GZIP_LIMIT_BYTES)}, ${((size.gzipBytes / FREE_PLAN_GZIP_LIMIT_BYTES) * 100).toFixed(1)}% used)`,
    `compatibility     ${report.compatibilityDate ?? "unset"}`,
    `transport         ${String(report.transport ?? "fetch (default)")}, EDGE_ALLOW_IP_TARGETS=${String(report.allowIpTargets ?? "unset")}`,
    ...problems.map((problem) => `PROBLEM           ${problem}`),
    JSON.stringify(report),
    "",
  ].join("\n"),
);
process.exitCode = problems.length === 0 ? 0 : 1;

/** `[env.<name>]` sections' vars, read raw: an environment overrides `[vars]` entirely, so each is checked. */
function readRawEnvironments(path: string): DeploySettings["varsByEnvironment"] {
  const names = [...readFileSync(path, "utf8").matchAll(/^\s*\[+\s*env\.([A-Za-z0-9_-]+)/gm)].map((match) => match[1] ?? "");
  return [...new Set(names)].map((name) => ({ environment: `[env.${name}]`, vars: unstable_readConfig({ config: path, env: name }, { hideWarnings: true }).vars }));
}
