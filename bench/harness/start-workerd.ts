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
  readonly binary: string;
  /**
   * Writes the same config with V8 flags added, next to the first (its `embed` paths are relative), and returns
   * its path: for serving the same worker on the same port under another tool (the instruction counts).
   */
  writeConfigWith(v8Flags: readonly string[]): Promise<string>;
}

const workerdBinary = fileURLToPath(new URL("../../node_modules/workerd/bin/workerd", import.meta.url));
const HOST = "127.0.0.1";

/** Serves a wrangler bundle with `workerd serve` itself: no wrangler dev proxy, no Miniflare in between. */
export async function startWorkerd(options: WorkerdOptions): Promise<RunningWorkerd> {
  const port = await findFreePort(HOST);
  const render = (v8Flags: readonly string[]): string =>
    renderWorkerdConfig({
      modules: options.bundle.modules,
      compatibilityDate: options.compatibilityDate,
      compatibilityFlags: options.compatibilityFlags,
      bindings: options.bindings,
      listen: { host: HOST, port },
      v8Flags,
    });
  // Next to the bundle, because `embed` paths are relative to the config file.
  const configPath = join(options.bundle.directory, "workerd.capnp");
  await writeFile(configPath, render([]));
  const started = startProcess(options.name, workerdBinary, ["serve", configPath]);
  await waitForPort(HOST, port, started);
  return {
    url: `http://${HOST}:${port}`,
    process: started,
    binary: workerdBinary,
    writeConfigWith: async (v8Flags) => {
      const path = join(options.bundle.directory, "workerd-v8-flags.capnp");
      await writeFile(path, render(v8Flags));
      return path;
    },
  };
}
