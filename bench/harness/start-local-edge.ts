import { fileURLToPath } from "node:url";
import { type IsolatedDemo, startIsolatedDemo } from "../../sync-agent/local/isolated-demo.ts";
import { createLogger } from "../../sync-agent/observe/logger.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface LocalEdge extends IsolatedDemo {
  /** The agent's log lines and wrangler's, for error messages (the last 400). */
  logs(): string;
}

/**
 * The local edge exactly as `npm start` runs it (demo Nodes, the worker under wrangler dev, the agent in
 * manifests mode), on ports of its own; Ctrl-C stops it. Resolves once both edges serve the first table.
 */
export async function startLocalEdge(options: { readonly https: boolean }): Promise<LocalEdge> {
  const lines: string[] = [];
  const keep = (line: string): void => {
    lines.push(line.trimEnd());
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  const demo = await startIsolatedDemo({ root: ROOT, https: options.https, logger: createLogger({ level: "info", write: keep }), onEdgeLine: (line) => keep(`[edge] ${line}`) });
  const stopOnSignal = (): void => void demo.stop();
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  const edge: LocalEdge = {
    ...demo,
    logs: () => lines.join("\n"),
    async stop() {
      process.off("SIGINT", stopOnSignal);
      process.off("SIGTERM", stopOnSignal);
      await demo.stop();
    },
  };
  const deadline = Date.now() + 30_000;
  while (demo.stack.published() === null) {
    if (Date.now() > deadline) {
      await edge.stop();
      throw new Error(`the agent pushed no table within 30 s:\n${edge.logs()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return edge;
}
