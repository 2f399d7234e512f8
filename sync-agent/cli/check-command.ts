import { compileTable } from "../../core/compile/compile-table.ts";
import type { CommandIo } from "./command-io.ts";
import { parseCompileArgs } from "./compile-command.ts";
import { loadCluster } from "./load-cluster.ts";
import { buildMigrationReport } from "./migration-report.ts";

export const checkUsage = `edge-ingress check (--manifests DIR | --kubeconfig PATH) [compile flags, e.g. --ingress-class nginx]
  A migration report, one line per Ingress of the served classes: served as is; served without these
  annotations (or with problems); refused, and why. Exit code: 0 all served as is, 3 some served without
  annotations or with problems, 4 some refused (1 the cluster could not be read, 2 usage).`;

export async function runCheck(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCompileArgs(args, io, (positionals, problems) => {
    if (positionals.length > 0) problems.push(`unexpected argument "${positionals[0] ?? ""}"`);
  });
  const report = buildMigrationReport(compileTable(await loadCluster(parsed.source), parsed.options));
  for (const line of report.lines) io.stdout(`${line.text}\n`);
  io.stdout(`${report.summary}\n`);
  return report.exitCode;
}
