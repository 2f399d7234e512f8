import { createEdgeWorker } from "./edge-worker.ts";
import type { EdgeEnv } from "./env.ts";

export type { EdgeEnv } from "./env.ts";
export { createEdgeWorker } from "./edge-worker.ts";

/** One worker per isolate: its table, health view and token ledger live as long as the isolate. */
const worker = createEdgeWorker();

export default {
  fetch: (request, env, ctx) => worker.fetch(request, env, ctx),
} satisfies ExportedHandler<EdgeEnv>;
