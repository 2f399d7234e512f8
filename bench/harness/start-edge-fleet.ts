import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EdgeProcess, startEdgeProcess } from "./start-edge-process.ts";

/** Edge processes standing in for locations: one KV namespace, one version pointer, an isolate each. */
export interface EdgeFleet {
  /** `edges[0]` holds the TABLE_POINTER object (with `pointer`) and is the one to push to. */
  readonly edges: readonly EdgeProcess[];
  stop(): Promise<void>;
}

export interface EdgeFleetOptions {
  readonly count: number;
  readonly pushPublicJwk: object;
  /** Bind TABLE_POINTER (every edge asks edges[0]'s object); false: every edge polls the head in KV. */
  readonly pointer: boolean;
  readonly vars?: Readonly<Record<string, string>>;
  /** Drop the workers' stdout (their info logs); stderr is kept. */
  readonly quiet?: boolean;
}

/** Starts `count` edge processes, named edge-0 … edge-(count-1), sharing state in a temporary folder. */
export async function startEdgeFleet(options: EdgeFleetOptions): Promise<EdgeFleet> {
  const dir = await mkdtemp(join(tmpdir(), "edge-fleet-"));
  const shared = { dir, pointerHost: "edge-0" };
  const edges: EdgeProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(edges.map((edge) => edge.stop().catch(() => {})));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // One after another: the pointer's host is in the registry before anyone looks it up.
    for (let n = 0; n < options.count; n++) {
      edges.push(await startEdgeProcess({ name: `edge-${n}`, pushPublicJwk: options.pushPublicJwk, pointer: options.pointer, shared, quiet: options.quiet === true, ...(options.vars === undefined ? {} : { vars: options.vars }) }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { edges, stop };
}
