import { isFailedOpen } from "../../core/table/schema.ts";
import type { EdgeConfig } from "../config.ts";
import { jsonResponse } from "../error-response.ts";
import type { HealthRegistry } from "../health/health-registry.ts";
import type { TableStore } from "../table/table-store.ts";
import { checkTransportReadiness } from "../transport/transport-readiness.ts";
import type { Transport } from "../transport/transport.ts";

export interface StatusDeps {
  readonly config: EdgeConfig;
  readonly tables: TableStore;
  readonly health: HealthRegistry;
  readonly transport: Transport;
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
  const loaded = deps.tables.current;
  const refresh = deps.tables.lastRefresh;
  let table = null;
  let counts = null;
  let transport: Record<string, unknown> = { name: deps.transport.name, ready: loaded !== null };
  let down: unknown[] = [];
  const failedOpen: string[] = [];
  if (loaded !== null) {
    const t = loaded.table;
    const checked = checkTransportReadiness(loaded, deps.transport);
    for (const backend of t.backends) if (isFailedOpen(backend)) failedOpen.push(backend.id);
    table = {
      version: t.version,
      generation: t.generation,
      publishedAt: new Date(t.generation).toISOString(),
      ageSeconds: Math.max(0, Math.round((now - t.generation) / 1000)),
      loadedAt: new Date(loaded.loadedAt).toISOString(),
      source: loaded.source,
    };
    counts = {
      hosts: t.hosts.length,
      rules: t.hosts.reduce((sum, host) => sum + host.rules.length, 0),
      backends: t.backends.length,
      backendsWithoutTargets: checked.counts.backendsWithoutTargets,
      backendsFailedOpen: failedOpen.length,
      nodes: t.nodes.length,
      targets: checked.counts.targets,
      problems: t.problems.length,
    };
    transport = { ...checked.readiness };
    down = deps.health.list(now, t.generation).map((entry) => ({ ...entry, downUntil: new Date(entry.downUntil).toISOString() }));
  }
  return jsonResponse(
    200,
    {
      table,
      lastRefresh: refresh === null ? null : { at: new Date(refresh.at).toISOString(), outcome: refresh.outcome, ...(refresh.detail === undefined ? {} : { detail: refresh.detail }) },
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
