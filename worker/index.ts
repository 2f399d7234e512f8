import { createEdgeWorker } from "./edge-worker.ts";
import type { EdgeEnv } from "./env.ts";

export type { EdgeEnv } from "./env.ts";
export { createEdgeWorker } from "./edge-worker.ts";
/** The version pointer's class: wrangler.toml binds it as TABLE_POINTER. */
export { TablePointer } from "./pointer/table-pointer.ts";

/** One worker per isolate: its table, health view and token ledger live as long as the isolate. */
const worker = createEdgeWorker();

export default {
  fetch: (request, env, ctx) => worker.fetch(request, env, ctx),
} satisfies ExportedHandler<EdgeEnv>;
