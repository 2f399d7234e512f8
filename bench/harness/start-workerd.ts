import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkerBundle } from "./bundle-worker.ts";
import { startProcess, type StartedProcess } from "./child-processes.ts";
import { findFreePort } from "./free-port.ts";
import { waitForPort } from "./wait-for-port.ts";
import { renderWorkerdConfig, type WorkerBinding } from "./workerd-config.ts";

export interface WorkerdOptions {
  readonly name: string;
  readonly bundle: WorkerBundle;
  readonly compatibilityDate: string;
  readonly compatibilityFlags: readonly string[];
  readonly bindings: readonly WorkerBinding[];
}

export interface RunningWorkerd {
  readonly url: string;
  readonly process: StartedProcess;
}

const workerdBinary = fileURLToPath(new URL("../../node_modules/workerd/bin/workerd", import.meta.url));
const HOST = "127.0.0.1";

/** Serves a wrangler bundle with `workerd serve` itself: no wrangler dev proxy, no Miniflare in between. */
export async function startWorkerd(options: WorkerdOptions): Promise<RunningWorkerd> {
  const port = await findFreePort(HOST);
  const config = renderWorkerdConfig({
    modules: options.bundle.modules,
    compatibilityDate: options.compatibilityDate,
    compatibilityFlags: options.compatibilityFlags,
    bindings: options.bindings,
    listen: { host: HOST, port },
  });
  // Next to the bundle, because `embed` paths are relative to the config file.
  const configPath = join(options.bundle.directory, "workerd.capnp");
  await writeFile(configPath, config);
  const started = startProcess(options.name, workerdBinary, ["serve", configPath]);
  await waitForPort(HOST, port, started);
  return { url: `http://${HOST}:${port}`, process: started };
}
