import { DurableObject } from "cloudflare:workers";
import { HEAD_KEY, readHead, type TableHead } from "../../core/table/table-head.ts";
import type { EdgeEnv } from "../env.ts";

const STORED = "head";
/** How often the object looks for a head written to KV by a publisher that cannot reach it (`--publish kv`). */
const KV_LOOK_MS = 30_000;

export type Advance = { readonly accepted: true; readonly head: TableHead } | { readonly accepted: false; readonly head: TableHead };

/**
 * The version pointer (SQLite-backed Durable Object, one per namespace: `idFromName("table")`). Strongly
 * consistent: every isolate that reads it after a push sees that push's version. It only ever advances to a higher
 * generation. A head published straight to KV (by `--publish kv`) is adopted within {@link KV_LOOK_MS} (and KV's
 * own cache time at the object's location).
 */
export class TablePointer extends DurableObject<EdgeEnv> {
  #head: TableHead | null | undefined;
  #lookedAtKv = -Infinity;

  async read(): Promise<TableHead | null> {
    const head = await this.#stored();
    if (Date.now() - this.#lookedAtKv < KV_LOOK_MS) return head;
    this.#lookedAtKv = Date.now();
    let inKv: TableHead | null = null;
    try {
      inKv = readHead(await this.env.TABLE_KV.get(HEAD_KEY, { type: "json", cacheTtl: 30 }));
    } catch {
      return head;
    }
    if (inKv !== null && (head === null || inKv.generation > head.generation)) {
      await this.#store(inKv);
      return inKv;
    }
    return head;
  }

  /** Compare-and-set on the generation: a head not newer than the stored one is refused, and the stored one returned. */
  async advance(next: TableHead): Promise<Advance> {
    const head = await this.#stored();
    if (head !== null && next.generation <= head.generation) return { accepted: false, head };
    await this.#store(next);
    return { accepted: true, head: next };
  }

  async #stored(): Promise<TableHead | null> {
    if (this.#head === undefined) this.#head = readHead(await this.ctx.storage.get(STORED));
    return this.#head;
  }

  async #store(head: TableHead): Promise<void> {
    await this.ctx.storage.put(STORED, head);
    this.#head = head;
  }
}
