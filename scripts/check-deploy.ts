// `npm run check:deploy [-- --config PATH]`: bundles the worker as `wrangler deploy` would (dry run, nothing
// uploaded), reports its size raw and gzip, lists what is still missing before `wrangler deploy` (problems: exit 1)
// and what the Free plan's limits mean for this config (warnings).
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { unstable_readConfig } from "wrangler";
import {
  checkBundleSize,
  checkDeployReadiness,
  checkDeploySettings,
  type DeployEnvironment,
  type DeploySettings,
  formatKiB,
  FREE_PLAN_GZIP_LIMIT_BYTES,
} from "./deploy/check-deploy-settings.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const { values: options } = parseArgs({ options: { config: { type: "string" } }, strict: true });
const configPath = resolve(options.config ?? join(root, "wrangler.toml"));

const config = unstable_readConfig({ config: configPath }, { hideWarnings: true });
const raw = readRawEnvironments(configPath);
const settings: DeploySettings = {
  compatibilityDate: config.compatibility_date,
  compatibilityFlags: config.compatibility_flags,
  varsByEnvironment: [{ environment: "[vars]", vars: config.vars }, ...raw],
};
const problems = checkDeploySettings(settings);
const readiness = checkDeployReadiness([
  environmentOf("[top level]", config),
  ...envNames(configPath).map((name) => environmentOf(`[env.${name}]`, unstable_readConfig({ config: configPath, env: name }, { hideWarnings: true }))),
]);
problems.push(...readiness.problems);
const warnings = readiness.warnings;

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
  warnings,
};
process.stdout.write(
  [
    `bundle            ${formatKiB(size.rawBytes)} raw, ${formatKiB(size.gzipBytes)} gzip (Free plan limit ${formatKiB(FREE_PLAN_GZIP_LIMIT_BYTES)}, ${((size.gzipBytes / FREE_PLAN_GZIP_LIMIT_BYTES) * 100).toFixed(1)}% used)`,
    `compatibility     ${report.compatibilityDate ?? "unset"}`,
    `transport         ${String(report.transport ?? "fetch (default)")}, EDGE_ALLOW_IP_TARGETS=${String(report.allowIpTargets ?? "unset")}`,
    ...problems.map((problem) => `PROBLEM           ${problem}`),
    ...warnings.map((warning) => `WARNING           ${warning}`),
    problems.length === 0 ? "ready for `npx wrangler deploy` (read the warnings)" : `not ready: ${problems.length} problem(s) to fix before \`npx wrangler deploy\``,
    JSON.stringify(report),
    "",
  ].join("\n"),
);
process.exitCode = problems.length === 0 ? 0 : 1;

/** `[env.<name>]` sections' vars, read raw: an environment overrides `[vars]` entirely, so each is checked. */
function readRawEnvironments(path: string): DeploySettings["varsByEnvironment"] {
  return envNames(path).map((name) => ({ environment: `[env.${name}]`, vars: unstable_readConfig({ config: path, env: name }, { hideWarnings: true }).vars }));
}

function envNames(path: string): string[] {
  return [...new Set([...readFileSync(path, "utf8").matchAll(/^\s*\[+\s*env\.([A-Za-z0-9_-]+)/gm)].map((match) => match[1] ?? ""))];
}

function environmentOf(environment: string, read: ReturnType<typeof unstable_readConfig>): DeployEnvironment {
  return {
    environment,
    kvNamespaces: read.kv_namespaces.map((namespace: { binding: string; id?: string }) => ({ binding: namespace.binding, id: namespace.id })),
    routes: [...(read.routes ?? []), ...(read.route === undefined ? [] : [read.route])],
    vars: read.vars,
    durableObjects: read.durable_objects.bindings.map((binding: { name: string; class_name: string }) => ({ name: binding.name, className: binding.class_name })),
    sqliteClasses: read.migrations.flatMap((migration: { new_sqlite_classes?: string[] }) => migration.new_sqlite_classes ?? []),
  };
}
