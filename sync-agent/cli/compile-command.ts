import { parseArgs } from "node:util";
import { compileTable } from "../../core/compile/compile-table.ts";
import { sealTable, serializeTable } from "../../core/table/hash-table.ts";
import type { Problem, RoutingTable } from "../../core/table/schema.ts";
import type { CompileOptions } from "../../core/compile/compile-options.ts";
import type { AnnotationVerdict } from "../../core/compile/nginx/classify-annotations.ts";
import { type ClusterSource, compileFlagSpec, readCompileFlags } from "./compile-flags.ts";
import type { CommandIo } from "./command-io.ts";
import { loadCluster } from "./load-cluster.ts";
import { UsageError } from "./usage-error.ts";

export const compileUsage = `edge-ingress compile (--manifests DIR | --kubeconfig PATH) [--ingress-class edge[,nginx]]... [--node-domain D] [--allow-internal-ip]
  Prints the routing table as JSON; each problem goes to stderr as "namespace/name: reason".`;

export async function runCompile(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCompileArgs(args, io, (positionals, problems) => {
    if (positionals.length > 0) problems.push(`unexpected argument "${positionals[0] ?? ""}"`);
  });
  const { table } = await compileSnapshot(parsed, io);
  io.stdout(`${serializeTable(table)}\n`);
  return 0;
}

export interface ParsedCompileArgs {
  readonly source: ClusterSource;
  readonly options: CompileOptions;
  readonly positionals: readonly string[];
  /** The command's own string flags (see `parseCompileArgs`), each as given, repeated ones in order. */
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/**
 * Shared by `compile` and `explain`: the flags, checked. `checkPositionals` adds the command's own problems, so
 * that every problem is listed at once, before anything is loaded.
 */
export function parseCompileArgs(
  args: readonly string[],
  io: CommandIo,
  checkPositionals: (positionals: readonly string[], problems: string[]) => void,
  extraFlags: readonly string[] = [],
): ParsedCompileArgs {
  const problems: string[] = [];
  let parsed;
  const extraSpec = Object.fromEntries(extraFlags.map((name) => [name, { type: "string", multiple: true } as const]));
  try {
    parsed = parseArgs({ args: [...args], options: { ...compileFlagSpec, ...extraSpec }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError([(error as Error).message]);
  }
  const values = parsed.values as Record<string, unknown>;
  const extra = Object.fromEntries(extraFlags.map((name) => {
    const given = values[name];
    return [name, Array.isArray(given) ? given.filter((item): item is string => typeof item === "string") : []];
  }));
  const { source, options } = readCompileFlags(parsed.values, io.env, problems);
  if (source === null) problems.push("give --manifests DIR or --kubeconfig PATH");
  checkPositionals(parsed.positionals, problems);
  if (problems.length > 0 || source === null) throw new UsageError(problems);
  return { source, options, positionals: parsed.positionals, extra };
}

export interface CompiledSnapshot {
  readonly table: RoutingTable;
  readonly served: readonly string[];
  readonly verdicts: ReadonlyMap<string, AnnotationVerdict>;
}

/** Loads the cluster once, compiles it, reports its problems on stderr. */
export async function compileSnapshot(parsed: ParsedCompileArgs, io: CommandIo): Promise<CompiledSnapshot> {
  const cluster = await loadCluster(parsed.source);
  const { content, served, verdicts } = compileTable(cluster, parsed.options);
  reportProblems(content.problems, io);
  // A CLI view of one snapshot: generation 0, since nothing is published.
  return { table: await sealTable(content, 0), served, verdicts };
}

export function reportProblems(problems: readonly Problem[], io: CommandIo): void {
  for (const problem of problems) io.stderr(`${problem.object}: ${problem.reason}\n`);
}
