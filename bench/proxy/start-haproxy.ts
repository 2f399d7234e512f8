import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startProcess, type StartedProcess } from "../harness/child-processes.ts";
import { findFreePort } from "../harness/free-port.ts";
import { waitForPort } from "../harness/wait-for-port.ts";
import { renderHaproxyConfig, type HaproxyConfig } from "./haproxy-config.ts";

export interface RunningHaproxy {
  readonly url: string;
  readonly process: StartedProcess;
}

const HOST = "127.0.0.1";

/** Runs HAProxy in the foreground (`-db`), so that it is our child and stops with the benchmark. */
export async function startHaproxy(
  haproxyPath: string,
  directory: string,
  config: Omit<HaproxyConfig, "listen">,
): Promise<RunningHaproxy> {
  const port = await findFreePort(HOST);
  await mkdir(directory, { recursive: true });
  const configPath = join(directory, "haproxy.cfg");
  await writeFile(configPath, renderHaproxyConfig({ ...config, listen: { host: HOST, port } }));
  const started = startProcess("haproxy", haproxyPath, ["-db", "-f", configPath]);
  await waitForPort(HOST, port, started);
  return { url: `http://${HOST}:${port}`, process: started };
}
