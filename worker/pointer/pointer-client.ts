import { HEAD_KEY, readHead, type TableHead } from "../../core/table/table-head.ts";
import type { EdgeEnv } from "../env.ts";
import type { Advance } from "./table-pointer.ts";

/** KV's minimum edge-cache time: the staleness a KV head may have at another location. */
export const HEAD_CACHE_TTL_SECONDS = 30;

/** Where this edge reads and advances the version pointer: the Durable Object when bound, else KV. */
export interface PointerClient {
  readonly kind: "durable-object" | "kv";
  read(): Promise<TableHead | null>;
  /** Writes `next` unless a head of a higher or equal generation is already there (then returns that one). */
  advance(next: TableHead): Promise<Advance>;
}

export function pointerClientOf(env: EdgeEnv): PointerClient {
  const namespace = env.TABLE_POINTER;
  if (namespace === undefined) return kvPointer(env.TABLE_KV);
  const stub = () => namespace.get(namespace.idFromName("table"));
  return {
    kind: "durable-object",
    read: () => stub().read(),
    advance: (next) => stub().advance(next),
  };
}

/** Without the object: the head under a KV key, polled. Last write wins there, so the check is as good as KV's read. */
function kvPointer(kv: KVNamespace): PointerClient {
  const read = async (): Promise<TableHead | null> => readHead(await kv.get(HEAD_KEY, { type: "json", cacheTtl: HEAD_CACHE_TTL_SECONDS }));
  return {
    kind: "kv",
    read,
    advance: async (next) => {
      const head = await read();
      if (head !== null && next.generation <= head.generation) return { accepted: false, head };
      await kv.put(HEAD_KEY, JSON.stringify(next));
      return { accepted: true, head: next };
    },
  };
}
