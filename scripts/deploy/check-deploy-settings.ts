import { DAY_MS as BUDGET_DAY_MS, FREE, planBudget, SMALL_CLUSTER } from "../../core/budget/edge-budget.ts";

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
const DAY_MS = BUDGET_DAY_MS;

/** One environment of wrangler.toml as wrangler reads it (`[env.x]` overrides the top level). */
export interface DeployEnvironment {
  readonly environment: string;
  readonly kvNamespaces: ReadonlyArray<{ readonly binding: string; readonly id?: string | undefined }>;
  /** `routes` and `route`, as written: patterns, or objects with `pattern` and maybe `custom_domain`. */
  readonly routes: readonly unknown[];
  readonly vars: Readonly<Record<string, unknown>>;
  /** `[[durable_objects.bindings]]`; absent: none read. */
  readonly durableObjects?: ReadonlyArray<{ readonly name: string; readonly className: string }>;
  /** Classes the migrations create SQLite-backed (`new_sqlite_classes`). */
  readonly sqliteClasses?: readonly string[];
}

/** The version pointer's binding and class (worker/env.ts, worker/pointer/table-pointer.ts). */
export const POINTER_BINDING = "TABLE_POINTER";
export const POINTER_CLASS = "TablePointer";
/** The worker's default EDGE_POINTER_CHECK_MS (worker/config.ts). */
export const DEFAULT_POINTER_CHECK_MS = 4000;

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
    const bindings = durableObjectsOf(environments, environment) ?? [];
    const binding = bindings.find((found) => found.name === POINTER_BINDING);
    if (binding !== undefined) {
      if (binding.className !== POINTER_CLASS) problems.push(`${environment}: ${POINTER_BINDING} must bind class_name "${POINTER_CLASS}" (the worker exports it)`);
      else if (!(sqliteClassesOf(environments, environment) ?? []).includes(POINTER_CLASS)) problems.push(`${environment}: no [[migrations]] entry with new_sqlite_classes = ["${POINTER_CLASS}"]: the version pointer must be a SQLite-backed Durable Object (the Free plan has no other kind)`);
      const checkMs = readRefreshMs(vars["EDGE_POINTER_CHECK_MS"], DEFAULT_POINTER_CHECK_MS) ?? DEFAULT_POINTER_CHECK_MS;
      warnings.push(`${environment}: ${describeBudget(true, Math.max(1, checkMs))}`);
      continue;
    }
    const refreshMs = readRefreshMs(vars["EDGE_TABLE_REFRESH_MS"], DEFAULT_TABLE_REFRESH_MS);
    if (refreshMs === 0) warnings.push(`${environment}: EDGE_TABLE_REFRESH_MS=0 reads KV on every request: the Free plan's ${FREE_PLAN_KV_READS_PER_DAY.toLocaleString("en-US")} KV reads a day are ${FREE_PLAN_KV_READS_PER_DAY.toLocaleString("en-US")} requests`);
    else if (refreshMs !== null) warnings.push(`${environment}: ${describeKvReads(refreshMs)}`);
    warnings.push(`${environment}: no ${POINTER_BINDING} Durable Object binding: the edge polls the table's head in KV (every EDGE_TABLE_REFRESH_MS) and other locations see a push only after KV's cache time (~30-60 s); add the binding and migration shipped in wrangler.toml to converge within seconds`);
  }
  warnings.push(
    "secrets cannot be checked from here: run `npx wrangler secret list` and make sure EDGE_PUSH_PUBLIC_JWK (without it pushes answer 503) and EDGE_COOKIE_KEY (without it cookie affinity is off) are set",
    `Free plan: ${FREE_PLAN_KV_WRITES_PER_DAY.toLocaleString("en-US")} KV writes a day, about two per table change in the sharded layout (the changed bucket and the manifest; the agent pushes at most one a second) and a first publication of up to 514; 10 ms of CPU per request: a cold isolate reads only the parts a host needs, whatever the table's size (README, "Limits"), but a push is checked whole by the worker, ~10-15 µs per path rule, so pushes of tables beyond ~400 path rules need Workers Paid or --publish kv`,
  );
  return { problems, warnings };
}

/** The KV reads a refresh interval costs per isolate and day, against the Free plan's reads. */
export function describeKvReads(refreshMs: number): string {
  const perIsolate = Math.ceil(DAY_MS / refreshMs);
  const isolates = FREE_PLAN_KV_READS_PER_DAY / perIsolate;
  return `EDGE_TABLE_REFRESH_MS=${refreshMs} means up to ${perIsolate.toLocaleString("en-US")} KV reads per isolate per day (one per refresh while it serves traffic); the Free plan allows ${FREE_PLAN_KV_READS_PER_DAY.toLocaleString("en-US")} a day in all, enough for ${isolates < 10 ? isolates.toFixed(1) : Math.floor(isolates).toLocaleString("en-US")} isolates serving all day (every location with traffic runs at least one): raise it, or use Workers Paid`;
}

/** What the small cluster of the README spends with this interval (core/budget/edge-budget.ts: the README's figures). */
export function describeBudget(pointer: boolean, checkMs: number): string {
  const budget = planBudget({ ...SMALL_CLUSTER, pointer, checkMs });
  const perIsolate = Math.ceil(DAY_MS / checkMs);
  const what = pointer ? `EDGE_POINTER_CHECK_MS=${checkMs}: up to ${perIsolate.toLocaleString("en-US")} Durable Object requests per isolate per day (a check happens only inside a request, so never more than the requests)` : `EDGE_TABLE_REFRESH_MS=${checkMs}: up to ${perIsolate.toLocaleString("en-US")} KV reads of the head per isolate per day`;
  const small = `${SMALL_CLUSTER.ingresses} Ingresses, ${SMALL_CLUSTER.isolates} isolates, ${SMALL_CLUSTER.requestsPerDay.toLocaleString("en-US")} requests and ${SMALL_CLUSTER.changesPerDay} table changes a day`;
  const spent = `${budget.doRequestsPerDay.toLocaleString("en-US")} DO requests, ${budget.kvReadsPerDay.toLocaleString("en-US")} KV reads, ${budget.kvWritesPerDay.toLocaleString("en-US")} KV writes (${budget.kvWritesPerChange} per change) and ${budget.kvDeletesPerDay.toLocaleString("en-US")} deletes a day`;
  return `${what}. A small cluster (${small}) spends ${spent}: ${budget.fitsFree ? "within the Free plan" : `over the Free plan (${budget.overFree.join("; ")}): Workers Paid`}. Free allows ${FREE.requests.toLocaleString("en-US")} requests, ${FREE.kvReads.toLocaleString("en-US")} KV reads, ${FREE.kvWrites.toLocaleString("en-US")} writes and ${FREE.doRequests.toLocaleString("en-US")} DO requests a day`;
}

function durableObjectsOf(environments: readonly DeployEnvironment[], environment: string): DeployEnvironment["durableObjects"] {
  return environments.find((found) => found.environment === environment)?.durableObjects;
}

function sqliteClassesOf(environments: readonly DeployEnvironment[], environment: string): DeployEnvironment["sqliteClasses"] {
  return environments.find((found) => found.environment === environment)?.sqliteClasses ?? environments[0]?.sqliteClasses;
}

function readRefreshMs(value: unknown, fallback: number): number | null {
  if (value === undefined) return fallback;
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : null;
}
