import type { EdgeTransportReport } from "./table-publisher.ts";

/** The `transport` member of an edge's answer (push or status), or null when there is none worth reading. */
export function readEdgeTransportReport(answer: unknown): EdgeTransportReport | null {
  if (typeof answer !== "object" || answer === null) return null;
  const transport = (answer as { transport?: unknown }).transport;
  if (typeof transport !== "object" || transport === null) return null;
  const { name, ready, unreachableTargets, problem, code } = transport as Record<string, unknown>;
  if (typeof name !== "string" || typeof ready !== "boolean") return null;
  return {
    name,
    ready,
    unreachableTargets: typeof unreachableTargets === "number" ? unreachableTargets : 0,
    ...(typeof problem === "string" ? { problem } : {}),
    ...(typeof code === "string" ? { code } : {}),
  };
}

/**
 * One sentence for the agent's log and `edge-ingress status` when the edge cannot reach some targets; null when
 * it can. The common case (the worker's default fetch transport, an agent without --node-domain) gets the fix.
 */
export function describeUnreachableTargets(report: EdgeTransportReport): string | null {
  if (report.ready || report.unreachableTargets === 0) return null;
  const count = `${report.unreachableTargets} target${report.unreachableTargets === 1 ? "" : "s"}`;
  if (report.code === "target-needs-hostname") {
    return `${count}: targets have no DNS names; the ${report.name} transport cannot reach them (a deployed Worker's fetch() cannot reach an IP address). `
      + "Give the agent --node-domain (EDGE_NODE_DOMAIN) with a DNS record per Node (--manage-dns, or kept by hand), or set EDGE_TRANSPORT=socket on the worker";
  }
  return `${count}: the edge's ${report.name} transport cannot reach them: ${report.problem ?? "no reason given"}`;
}
