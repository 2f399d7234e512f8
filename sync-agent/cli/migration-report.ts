import type { CompileResult } from "../../core/compile/compile-table.ts";
import { ignoredReason } from "../../core/compile/nginx/classify-annotations.ts";

/** How one Ingress fares at the edge, worst last: the exit code of `check` is the worst line's. */
export type MigrationOutcome = "as-is" | "without" | "refused";

export interface MigrationLine {
  readonly ingress: string;
  readonly outcome: MigrationOutcome;
  readonly text: string;
}

export interface MigrationReport {
  readonly lines: readonly MigrationLine[];
  readonly summary: string;
  /** 0: every Ingress served as is; 3: some served without annotations or with problems; 4: some refused. */
  readonly exitCode: 0 | 3 | 4;
}

/**
 * One line per Ingress of the served classes, sorted by name: served as is; served without these annotations
 * (and with whatever else the compiler reported for it); or refused, and why. Pure.
 */
export function buildMigrationReport(result: CompileResult): MigrationReport {
  const otherProblems = new Map<string, string[]>();
  for (const problem of result.content.problems) {
    const verdict = problem.kind === "Ingress" ? result.verdicts.get(problem.object) : undefined;
    // The verdict's own reports are on the line already, in shorter words.
    if (verdict === undefined || verdict.refusals.includes(problem.reason) || verdict.ignored.some((name) => ignoredReason(name) === problem.reason)) continue;
    otherProblems.set(problem.object, [...(otherProblems.get(problem.object) ?? []), problem.reason]);
  }
  const lines: MigrationLine[] = [...result.verdicts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ingress, verdict]) => {
      if (verdict.refusals.length > 0) return { ingress, outcome: "refused", text: `${ingress}: refused: ${verdict.refusals.join("; ")}` };
      const problems = otherProblems.get(ingress) ?? [];
      const parts = [
        ...(verdict.ignored.length === 0 ? [] : [`without ${verdict.ignored.join(", ")}`]),
        ...(problems.length === 0 ? [] : [`with problems: ${problems.join("; ")}`]),
      ];
      return parts.length === 0
        ? { ingress, outcome: "as-is", text: `${ingress}: served as is` }
        : { ingress, outcome: "without", text: `${ingress}: served ${parts.join("; ")}` };
    });
  const count = (outcome: MigrationOutcome): number => lines.filter((line) => line.outcome === outcome).length;
  const summary = `${lines.length} Ingress${lines.length === 1 ? "" : "es"}: ${count("as-is")} served as is, ${count("without")} served without some annotations or with problems, ${count("refused")} refused`;
  const exitCode = count("refused") > 0 ? 4 : count("without") > 0 ? 3 : 0;
  return { lines, summary, exitCode };
}
