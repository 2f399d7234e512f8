import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProcess } from "./child-processes.ts";
import { findFreePort } from "./free-port.ts";
import type { Backends } from "./start-backends.ts";
import { waitForPort } from "./wait-for-port.ts";

const ATTEMPTS = 10;

/**
 * One single-threaded HAProxy process answering `node <address>\n` on every address at one common port. The
 * kernel picks a port free on the first address; if another address has it taken, HAProxy fails and we retry.
 */
export async function startStaticBackends(haproxyPath: string, addresses: readonly string[]): Promise<Backends> {
  const first = addresses[0];
  if (first === undefined) throw new Error("no backend addresses");
  const directory = await mkdtemp(join(tmpdir(), "bench-backends-"));
  try {
    let lastError: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = await findFreePort(first);
      const configPath = join(directory, "backends.cfg");
      await writeFile(configPath, renderStaticBackendConfig(addresses, port));
      const started = startProcess("haproxy backends", haproxyPath, ["-db", "-f", configPath]);
      try {
        for (const address of addresses) await waitForPort(address, port, started);
        return { server: "haproxy", addresses, port, process: started };
      } catch (error) {
        lastError = error;
        await started.stop();
      }
    }
    throw new Error(`haproxy backends did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  } finally {
    // HAProxy has read its config by the time it listens.
    await rm(directory, { recursive: true, force: true });
  }
}

export function renderStaticBackendConfig(addresses: readonly string[], port: number): string {
  return `global
  maxconn 4096
  nbthread 1

defaults
  mode http
  timeout client 30s

frontend nodes
${addresses.map((address) => `  bind ${address}:${port}`).join("\n")}
  http-request return status 200 content-type text/plain lf-string "node %[dst]\\n"
`;
}
