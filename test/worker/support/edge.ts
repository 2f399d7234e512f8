import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { createEdgeWorker, type EdgeWorkerOptions } from "../../../worker/edge-worker.ts";
import type { EdgeEnv } from "../../../worker/env.ts";
import { pointerClientOf } from "../../../worker/pointer/pointer-client.ts";
import { publishTable, type Publication } from "../../../worker/table/publish-table.ts";
import type { Echo, TestBackends } from "../node/backend-contract.ts";

export const backends: TestBackends = inject("backends");

/**
 * Stores a table in the real KV binding and version pointer the way the edge stores pushed ones (`pointer: false`:
 * the head in KV, as an edge without the Durable Object keeps it). A generation not above the stored one is refused.
 */
export async function storeTable(table: RoutingTable, options: { readonly pointer?: boolean } = {}): Promise<Publication> {
  const pointer = pointerClientOf(options.pointer === false ? withoutPointer(env) : env);
  return publishTable(env.TABLE_KV, pointer, table, await pointer.read());
}

/** The env as an edge without the TABLE_POINTER binding sees it. */
export function withoutPointer(edgeEnv: EdgeEnv): EdgeEnv {
  const { TABLE_POINTER: _pointer, ...rest } = edgeEnv;
  return rest;
}

export interface TestEdge {
  send(url: string, init?: RequestInit): Promise<Response>;
  readonly env: EdgeEnv;
}

/** A fresh worker (its own isolate state) over the real KV binding, with vars overridden as given. */
export function startEdge(vars: Partial<Record<Exclude<keyof EdgeEnv, "TABLE_KV" | "TABLE_POINTER">, string>> = {}, options: EdgeWorkerOptions & { readonly pointer?: boolean } = {}): TestEdge {
  const worker = createEdgeWorker(options);
  const edgeEnv: EdgeEnv = options.pointer === false ? withoutPointer({ ...env, ...vars }) : { ...env, ...vars };
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
