import type { EdgeConfig } from "../config.ts";
import { jsonResponse } from "../error-response.ts";
import type { HealthRegistry } from "../health/health-registry.ts";
import type { TableStore } from "../table/table-store.ts";
import { checkNodesReadiness, checkTransportReadiness } from "../transport/transport-readiness.ts";
import type { Transport } from "../transport/transport.ts";

export interface StatusDeps {
  readonly config: EdgeConfig;
  readonly tables: TableStore;
  readonly health: HealthRegistry;
  readonly transport: Transport;
  /** Where this edge reads the current version. */
  readonly pointer: "durable-object" | "kv";
  readonly now: () => number;
  readonly requestId: string;
}

/**
 * `GET /.well-known/edge-ingress/status`: what this isolate serves and what it believes. Node names, no addresses.
 * `down` is this isolate's own passive view; `failedOpen` the backends the agent serves on every target because
 * every one failed its checks (from the table).
 */
export function readStatus(deps: StatusDeps): Response {
  const now = deps.now();
  const summary = deps.tables.summary();
  const refresh = deps.tables.lastRefresh;
  let table = null;
  let counts = null;
  let transport: Record<string, unknown> = { name: deps.transport.name, ready: summary !== null };
  let down: unknown[] = [];
  let failedOpen: readonly string[] = [];
  if (summary !== null) {
    failedOpen = summary.failedOpen;
    table = {
      version: summary.version,
      generation: summary.generation,
      publishedAt: new Date(summary.generation).toISOString(),
      ageSeconds: Math.max(0, Math.round((now - summary.generation) / 1000)),
      loadedAt: new Date(summary.loadedAt).toISOString(),
      source: summary.source,
      layout: summary.layout,
      ...(summary.layout === "sharded" ? { hostViews: summary.hostViews } : {}),
    };
    if (summary.loaded !== null) {
      const checked = checkTransportReadiness(summary.loaded, deps.transport);
      counts = { ...summary.counts, backendsWithoutTargets: checked.counts.backendsWithoutTargets, targets: checked.counts.targets };
      transport = { ...checked.readiness };
    } else {
      counts = summary.counts;
      transport = { ...checkNodesReadiness(summary.nodes, deps.transport) };
    }
    down = deps.health.list(now, summary.generation).map((entry) => ({ ...entry, downUntil: new Date(entry.downUntil).toISOString() }));
  }
  return jsonResponse(
    200,
    {
      table,
      lastRefresh: refresh === null ? null : { at: new Date(refresh.at).toISOString(), outcome: refresh.outcome, ...(refresh.detail === undefined ? {} : { detail: refresh.detail }) },
      pointer: deps.pointer === "durable-object"
        ? { kind: "durable-object", checkMs: deps.config.pointerCheckMs }
        : { kind: "kv", checkMs: deps.config.tableRefreshMs, note: "no TABLE_POINTER binding: polling the head in KV; other locations see a push after KV's cache time (~30-60 s)" },
      counts,
      down,
      failedOpen,
      transport,
      cookieAffinity: deps.config.cookieKey === null ? "disabled: EDGE_COOKIE_KEY is not set" : "enabled",
      requestId: deps.requestId,
    },
    deps.requestId,
  );
}
