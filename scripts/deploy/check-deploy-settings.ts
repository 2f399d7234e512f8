/**
 * What a production deploy must satisfy, judged on plain data (pure): the wrangler settings as wrangler reads
 * them, and the sizes of the bundle `wrangler deploy --dry-run` wrote.
 */

/** The Workers Free plan's limit on the compressed Worker (wrangler's own MAX_GZIP_SIZE_BYTES). */
export const FREE_PLAN_GZIP_LIMIT_BYTES = 3 * 1024 * 1024;
/** Since this date fetch() keeps custom ports (flag `allow_custom_ports`): NodePorts need it. */
export const CUSTOM_PORTS_DATE = "2024-09-02";

export interface DeploySettings {
  readonly compatibilityDate: string | undefined;
  readonly compatibilityFlags: readonly string[];
  /** Top-level `[vars]` first, then each `[env.<name>.vars]`, labelled. */
  readonly varsByEnvironment: ReadonlyArray<{ readonly environment: string; readonly vars: Readonly<Record<string, unknown>> }>;
}

export interface BundleSize {
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

export function checkDeploySettings(settings: DeploySettings): string[] {
  const problems: string[] = [];
  const date = settings.compatibilityDate;
  if (date === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push("compatibility_date must be set (YYYY-MM-DD)");
  else if (date < CUSTOM_PORTS_DATE) problems.push(`compatibility_date ${date} is before ${CUSTOM_PORTS_DATE}: a deployed fetch() would drop NodePorts (allow_custom_ports)`);
  if (settings.compatibilityFlags.includes("ignore_custom_ports")) problems.push("compatibility flag ignore_custom_ports would make fetch() drop NodePorts");
  for (const { environment, vars } of settings.varsByEnvironment) {
    const allow = vars["EDGE_ALLOW_IP_TARGETS"];
    if (allow !== undefined && allow !== "false" && allow !== false) {
      problems.push(`${environment}: EDGE_ALLOW_IP_TARGETS must be "false" in a deployable config (a deployed fetch() cannot reach IPs: error 1003); set it only for local development`);
    }
  }
  return problems;
}

export function checkBundleSize(size: BundleSize, limitBytes = FREE_PLAN_GZIP_LIMIT_BYTES): string[] {
  return size.gzipBytes > limitBytes ? [`bundle is ${formatKiB(size.gzipBytes)} gzip, above the Free plan's ${formatKiB(limitBytes)}`] : [];
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KiB`;
}

/** The binding the worker reads its table from (worker/env.ts). */
export const TABLE_KV_BINDING = "TABLE_KV";
/** wrangler.toml's local-development placeholder for the namespace id. */
const PLACEHOLDER_ID = /^0+$/;
/** The worker's default for EDGE_TABLE_REFRESH_MS (worker/config.ts). */
export const DEFAULT_TABLE_REFRESH_MS = 5000;
/** Workers KV on the Free plan (developers.cloudflare.com/kv/platform/limits). */
export const FREE_PLAN_KV_READS_PER_DAY = 100_000;
export const FREE_PLAN_KV_WRITES_PER_DAY = 1_000;
const DAY_MS = 86_400_000;

/** One environment of wrangler.toml as wrangler reads it (`[env.x]` overrides the top level). */
export interface DeployEnvironment {
  readonly environment: string;
  readonly kvNamespaces: ReadonlyArray<{ readonly binding: string; readonly id?: string | undefined }>;
  /** `routes` and `route`, as written: patterns, or objects with `pattern` and maybe `custom_domain`. */
  readonly routes: readonly unknown[];
  readonly vars: Readonly<Record<string, unknown>>;
}

export interface DeployReadiness {
  /** Block `wrangler deploy` (exit 1). */
  readonly problems: string[];
  /** Worth reading before deploying; not blocking. */
  readonly warnings: string[];
}

/**
 * What is still missing before `wrangler deploy`, and what the Free plan's limits mean for this config. Pure:
 * wrangler.toml as read. It cannot ask Cloudflare, so secrets and the plan are said as what to check.
 */
export function checkDeployReadiness(environments: readonly DeployEnvironment[]): DeployReadiness {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const { environment, kvNamespaces, routes, vars } of environments) {
    const table = kvNamespaces.find((namespace) => namespace.binding === TABLE_KV_BINDING);
    if (table === undefined) {
      problems.push(`${environment}: no kv_namespaces entry with binding ${TABLE_KV_BINDING}: the worker has nowhere to read its table (kv_namespaces are not inherited by [env.*])`);
    } else if (table.id === undefined || table.id === "" || PLACEHOLDER_ID.test(table.id)) {
      problems.push(`${environment}: the ${TABLE_KV_BINDING} namespace id "${table.id ?? ""}" is the local-development placeholder: run \`npx wrangler kv namespace create ${TABLE_KV_BINDING}\` and put its id in wrangler.toml`);
    }
    if (routes.length === 0) {
      warnings.push(`${environment}: no routes or custom domains: the Worker gets only its workers.dev address, and your Ingress hosts reach it only once the agent attaches them (EDGE_MANAGE_HOSTS=true, the default in deploy/, with --worker-name matching this name). To route them by hand, add routes = [{ pattern = "shop.example.com", custom_domain = true }] (or "*.example.com/*" with zone_name) to wrangler.toml, or route the hosts in the dashboard after deploying`);
    }
    const refreshMs = readRefreshMs(vars["EDGE_TABLE_REFRESH_MS"]);
    if (refreshMs === 0) warnings.push(`${environment}: EDGE_TABLE_REFRESH_MS=0 reads KV on every request: the Free plan's ${FREE_PLAN_KV_READS_PER_DAY.toLocaleString("en-US")} KV reads a day are ${FREE_PLAN_KV_READS_PER_DAY.toLocaleString("en-US")} requests`);
    else if (refreshMs !== null) warnings.push(`${environment}: ${describeKvReads(refreshMs)}`);
  }
  warnings.push(
    "secrets cannot be checked from here: run `npx wrangler secret list` and make sure EDGE_PUSH_PUBLIC_JWK (without it pushes answer 503) and EDGE_COOKIE_KEY (without it cookie affinity is off) are set",
    `Free plan: ${FREE_PLAN_KV_WRITES_PER_DAY.toLocaleString("en-US")} KV writes a day, one per table change (the agent pushes at most one a second): on average one change every ${DAY_MS / 1000 / FREE_PLAN_KV_WRITES_PER_DAY} s; and 10 ms of CPU per request, which a cold isolate's first request spends loading the table beyond about 400 path rules (README, "Limits"). Larger or busier clusters need Workers Paid`,
  );
  return { problems, warnings };
}

/** The KV reads a refresh interval costs per isolate and day, against the Free plan's reads. */
export function describeKvReads(refreshMs: number): string {
  const perIsolate = Math.ceil(DAY_MS / refreshMs);
  const isolates = FREE_PLAN_KV_READS_PER_DAY / perIsolate;
  return `EDGE_TABLE_REFRESH_MS=${refreshMs} means up to ${perIsolate.toLocaleString("en-US")} KV reads per isolate per day (one per refresh while it serves traffic); the Free plan allows ${FREE_PLAN_KV_READS_PER_DAY.toLocaleString("en-US")} a day in all, enough for ${isolates < 10 ? isolates.toFixed(1) : Math.floor(isolates).toLocaleString("en-US")} isolates serving all day (every location with traffic runs at least one): raise it, or use Workers Paid`;
}

function readRefreshMs(value: unknown): number | null {
  if (value === undefined) return DEFAULT_TABLE_REFRESH_MS;
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : null;
}
