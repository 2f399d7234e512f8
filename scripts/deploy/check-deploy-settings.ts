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
