import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { serializeTable } from "../../../core/table/hash-table.ts";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { createEdgeWorker, type EdgeWorkerOptions } from "../../../worker/edge-worker.ts";
import type { EdgeEnv } from "../../../worker/env.ts";
import { TABLE_KEY } from "../../../worker/table/table-store.ts";
import type { Echo, TestBackends } from "../node/backend-contract.ts";

export const backends: TestBackends = inject("backends");

/** Stores a table in the real KV binding the way the edge stores pushed ones. */
export async function storeTable(table: RoutingTable): Promise<void> {
  await env.TABLE_KV.put(TABLE_KEY, serializeTable(table), { metadata: { version: table.version, generation: table.generation } });
}

export interface TestEdge {
  send(url: string, init?: RequestInit): Promise<Response>;
  readonly env: EdgeEnv;
}

/** A fresh worker (its own isolate state) over the real KV binding, with vars overridden as given. */
export function startEdge(vars: Partial<Record<Exclude<keyof EdgeEnv, "TABLE_KV">, string>> = {}, options: EdgeWorkerOptions = {}): TestEdge {
  const worker = createEdgeWorker(options);
  const edgeEnv: EdgeEnv = { ...env, ...vars };
  return {
    env: edgeEnv,
    send: (url, init) => worker.fetch(new Request(url, init), edgeEnv),
  };
}

export async function echoOf(response: Response): Promise<Echo> {
  const text = await response.text();
  try {
    return JSON.parse(text) as Echo;
  } catch {
    throw new Error(`expected an echo, got ${response.status}: ${text}`);
  }
}

export async function canaryHits(): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${backends.canaryControl}/hits`);
  return ((await response.json()) as { hits: number }).hits;
}
