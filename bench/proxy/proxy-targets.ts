import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWorker } from "../harness/bundle-worker.ts";
import type { StartedProcess } from "../harness/child-processes.ts";
import type { Backends } from "../harness/start-backends.ts";
import { startWorkerd, type RunningWorkerd } from "../harness/start-workerd.ts";
import { buildBenchTable } from "./bench-table.ts";
import type { ResolvedWorker } from "./resolve-worker.ts";
import { startHaproxy } from "./start-haproxy.ts";

/** The four ways a request reaches the Nodes. */
export const TARGET_KEYS = ["worker", "passThrough", "haproxy", "direct"] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];


export interface TargetSetup {
  readonly worker: ResolvedWorker;
  readonly backends: Backends;
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  readonly workDirectory: string;
  readonly haproxyPath: string;
  readonly cookieName: string;
  readonly host: string;
  /** Routed by our worker's table like `host`, to a backend without affinity. */
  readonly plainHost: string;
}

/** Where to send load for one target. */
export interface TargetEndpoint {
  readonly url: string;
  /** What the setup was, for the results file. */
  readonly detail: string;
  /** The process doing the proxying, whose CPU time is measured; absent for direct. */
  readonly process?: StartedProcess;
  /** For the two workers: the workerd serving it, which the instruction counts restart under callgrind. */
  readonly workerd?: RunningWorkerd;
}

const passThroughEntry = fileURLToPath(new URL("../workers/pass-through.ts", import.meta.url));

export const START_TARGET: Readonly<Record<TargetKey, (setup: TargetSetup) => Promise<TargetEndpoint>>> = {
  worker: startOurWorker,
  passThrough: startPassThroughWorker,
  haproxy: startHaproxyTarget,
  direct: async (setup) => {
    const address = setup.backends.addresses[0] ?? "127.0.0.2";
    return { url: `http://${address}:${setup.backends.port}/`, detail: `${setup.backends.server} backend, no proxy` };
  },
};

async function startOurWorker(setup: TargetSetup): Promise<TargetEndpoint> {
  const { worker } = setup;
  const directory = join(setup.workDirectory, "worker");
  const bundle = await bundleWorker(worker, directory);
  const kvDirectory = join(directory, "kv");
  await mkdir(kvDirectory, { recursive: true });
  const table = await buildBenchTable({ host: setup.host, plainHost: setup.plainHost, nodes: setup.nodes, nodePort: setup.backends.port, cookieName: setup.cookieName });
  await writeFile(join(kvDirectory, "routing-table"), table);
  const running = await startWorkerd({
    name: "workerd (our worker)",
    bundle,
    compatibilityDate: worker.compatibilityDate,
    compatibilityFlags: worker.compatibilityFlags,
    bindings: [{ kind: "kv-directory", name: "TABLE_KV", directory: kvDirectory }, ...worker.vars],
  });
  return { url: `${running.url}/`, detail: `${worker.entry}, table of ${table.length} bytes in TABLE_KV`, process: running.process, workerd: running };
}

async function startPassThroughWorker(setup: TargetSetup): Promise<TargetEndpoint> {
  const { worker } = setup;
  const bundle = await bundleWorker(
    { entry: passThroughEntry, compatibilityDate: worker.compatibilityDate, compatibilityFlags: worker.compatibilityFlags },
    join(setup.workDirectory, "pass-through"),
  );
  const targets = setup.backends.addresses.map((address) => `http://${address}:${setup.backends.port}`).join(",");
  const running = await startWorkerd({
    name: "workerd (pass-through)",
    bundle,
    compatibilityDate: worker.compatibilityDate,
    compatibilityFlags: worker.compatibilityFlags,
    bindings: [{ kind: "text", name: "TARGETS", value: targets }],
  });
  return { url: `${running.url}/`, detail: "bench/workers/pass-through.ts, round-robin fetch()", process: running.process, workerd: running };
}

async function startHaproxyTarget(setup: TargetSetup): Promise<TargetEndpoint> {
  const running = await startHaproxy(setup.haproxyPath, join(setup.workDirectory, "haproxy"), {
    nodes: setup.nodes,
    nodePort: setup.backends.port,
    cookieName: setup.cookieName,
  });
  return { url: `${running.url}/`, detail: "roundrobin, cookie insert, httpchk every 2 s", process: running.process };
}
