import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The agent's own metrics, registered on the given registry (exposed on /metrics). */
export interface SyncMetrics {
  readonly pushes: Counter<"result" | "code">;
  readonly pushDuration: Histogram;
  readonly lastPushedGeneration: Gauge;
  readonly lastPushTimestamp: Gauge;
  readonly lastPushedVersion: Gauge<"version">;
  readonly convergence: Histogram;
  readonly compiles: Counter;
  readonly problems: Gauge;
  readonly backendsFailedOpen: Gauge;
  readonly ignoredAnnotations: Gauge;
  readonly refusedIngresses: Gauge;
  readonly leader: Gauge;
  readonly informerRestarts: Counter<"resource">;
  readonly clusterWrites: Counter<"kind" | "result">;
  readonly edgeUnreachableTargets: Gauge;
}

export function createSyncMetrics(registry: Registry): SyncMetrics {
  const registers = [registry];
  return {
    pushes: new Counter({ name: "edge_ingress_pushes_total", help: "Table publications by result (ok, error) and error code.", labelNames: ["result", "code"], registers }),
    pushDuration: new Histogram({ name: "edge_ingress_push_duration_seconds", help: "Time to publish one table.", buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers }),
    lastPushedGeneration: new Gauge({ name: "edge_ingress_last_pushed_generation", help: "Generation (ms since the epoch) of the last table published.", registers }),
    lastPushTimestamp: new Gauge({ name: "edge_ingress_last_push_timestamp_seconds", help: "When the last table was published.", registers }),
    lastPushedVersion: new Gauge({ name: "edge_ingress_last_pushed_version_info", help: "Content hash of the last table published (value 1).", labelNames: ["version"], registers }),
    convergence: new Histogram({ name: "edge_ingress_convergence_seconds", help: "From the first change noticed to the table that includes it being published.", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers }),
    compiles: new Counter({ name: "edge_ingress_compiles_total", help: "Table compilations.", registers }),
    problems: new Gauge({ name: "edge_ingress_table_problems", help: "Problems in the last compiled table.", registers }),
    backendsFailedOpen: new Gauge({
      name: "edge_ingress_backends_failed_open",
      help: "Backends of the last compiled table whose every target failed its health checks, served on all of them (failing open).",
      registers,
    }),
    ignoredAnnotations: new Gauge({
      name: "edge_ingress_ignored_annotations",
      help: "ingress-nginx annotations, counted per Ingress, that the last compiled table serves without (each also reported as a problem and a Warning Event).",
      registers,
    }),
    refusedIngresses: new Gauge({
      name: "edge_ingress_refused_ingresses",
      help: "Ingresses of the served classes left out of the last compiled table for an annotation the edge refuses (access control it does not enforce, snippets, canaries).",
      registers,
    }),
    leader: new Gauge({ name: "edge_ingress_leader", help: "1 when this replica holds the leader Lease.", registers }),
    informerRestarts: new Counter({ name: "edge_ingress_informer_restarts_total", help: "Informers restarted after a failure.", labelNames: ["resource"], registers }),
    edgeUnreachableTargets: new Gauge({ name: "edge_ingress_edge_unreachable_targets", help: "Targets of the last pushed table that the edge's transport says it cannot reach (e.g. no DNS names under the fetch transport).", registers }),
    clusterWrites: new Counter({ name: "edge_ingress_cluster_writes_total", help: "Writes to the cluster (Ingress status, Events) by result.", labelNames: ["kind", "result"], registers }),
  };
}
