import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readWranglerConfig } from "../harness/read-wrangler-config.ts";
import type { WorkerBinding } from "../harness/workerd-config.ts";
import type { ProxyBenchOptions } from "./proxy-options.ts";

/** Worker (a) as it will be bundled and served; the pass-through worker gets the same date and flags. */
export interface ResolvedWorker {
  readonly entry: string;
  readonly wranglerConfig?: string;
  readonly compatibilityDate: string;
  readonly compatibilityFlags: readonly string[];
  /** The config's `[vars]`, overridden by the benchmark's own settings, overridden by `--var`. */
  readonly vars: readonly WorkerBinding[];
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const DEFAULT_ENTRY = "worker/index.ts";
/** ≥ 2024-09-02, so that fetch() keeps custom ports (NodePorts). */
const DEFAULT_DATE = "2024-09-23";
const DEFAULT_FLAGS = ["nodejs_compat"];

/**
 * What our worker needs to do the same job as HAProxy on this table: reach bare loopback IP targets (a
 * local-development switch), and a cookie key so that cookie affinity is on. Secrets are never in a config.
 */
function benchVars(): Record<string, string> {
  return { EDGE_ALLOW_IP_TARGETS: "true", EDGE_COOKIE_KEY: randomBytes(24).toString("hex") };
}

export async function resolveWorker(options: ProxyBenchOptions): Promise<ResolvedWorker> {
  const configPath = chooseConfig(options.wranglerConfig);
  const settings = configPath === undefined ? undefined : await readWranglerConfig(configPath);
  const overrides = { ...benchVars(), ...options.vars };
  const vars: WorkerBinding[] = [];
  for (const [name, value] of Object.entries(settings?.vars ?? {})) {
    if (name in overrides) continue;
    vars.push(typeof value === "string" ? { kind: "text", name, value } : { kind: "json", name, json: JSON.stringify(value) });
  }
  for (const [name, value] of Object.entries(overrides)) vars.push({ kind: "text", name, value });
  return {
    entry: resolve(repoRoot, options.worker ?? settings?.main ?? DEFAULT_ENTRY),
    ...(configPath === undefined ? {} : { wranglerConfig: configPath }),
    compatibilityDate: options.compatibilityDate ?? settings?.compatibilityDate ?? DEFAULT_DATE,
    compatibilityFlags: options.compatibilityFlags ?? settings?.compatibilityFlags ?? DEFAULT_FLAGS,
    vars,
  };
}

function chooseConfig(option: string | undefined): string | undefined {
  if (option === "none") return undefined;
  if (option !== undefined) return resolve(repoRoot, option);
  const fallback = resolve(repoRoot, "wrangler.toml");
  return existsSync(fallback) ? fallback : undefined;
}
