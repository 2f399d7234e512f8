import { createHash } from "node:crypto";
import { type Ingress, namespacedKey, namespaceOf } from "../../core/compile/cluster-objects.ts";
import type { Problem } from "../../core/table/schema.ts";

export interface ProblemEvent {
  /** Identity of the report: the Ingress (by uid, so a re-created Ingress is reported afresh) and the reason. */
  readonly key: string;
  /** Deterministic, so that a restarted agent updates the Event it created rather than adding a twin. */
  readonly eventName: string;
  readonly namespace: string;
  readonly ingress: { readonly name: string; readonly uid: string | undefined; readonly resourceVersion: string | undefined };
  readonly message: string;
}

/**
 * One Warning Event per Ingress problem, not one per loop: the problems of the new table that have not been
 * reported yet (`reported` holds the keys of those already reported). `current` is every problem's key, to keep
 * as the new `reported` once written, so that a problem that goes away and comes back is reported again. Pure.
 */
export function planProblemEvents(
  problems: readonly Problem[],
  ingresses: readonly Ingress[],
  reported: ReadonlySet<string>,
): { readonly toReport: ProblemEvent[]; readonly current: ReadonlySet<string> } {
  const byKey = new Map(ingresses.map((ingress) => [namespacedKey(ingress.metadata), ingress]));
  const toReport: ProblemEvent[] = [];
  const current = new Set<string>();
  for (const problem of problems) {
    if (problem.kind !== "Ingress") continue;
    const ingress = byKey.get(problem.object);
    const name = ingress?.metadata?.name;
    if (ingress === undefined || name === undefined) continue;
    const uid = ingress.metadata?.uid;
    const key = `${uid ?? problem.object}\u0000${problem.reason}`;
    current.add(key);
    if (reported.has(key)) continue;
    const digest = createHash("sha256").update(key).digest("hex").slice(0, 16);
    toReport.push({
      key,
      eventName: `${name.slice(0, 200)}.edge-ingress.${digest}`,
      namespace: namespaceOf(ingress.metadata),
      ingress: { name, uid, resourceVersion: (ingress.metadata as { resourceVersion?: string } | undefined)?.resourceVersion },
      message: problem.reason,
    });
  }
  return { toReport, current };
}
