import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { copyOnFreeNodePorts } from "../../../sync-agent/local/isolated-demo.ts";
import { canBind, findFreePort } from "../../../sync-agent/local/local-ports.ts";
import { waitFor } from "../../sync-agent/support/wait-for.ts";
import { type ListeningPort, listDescendants, listListeningPorts, type ProcessInfo, readProcesses } from "./process-tree.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Time enough for the CLI and two `wrangler dev` processes to start on a busy two-core machine. */
export const DEV_START_TIMEOUT_MS = 120_000;

export interface DevCli {
  /** The temporary copy of examples/demo the CLI serves (its nodePorts moved to free ports). */
  readonly manifests: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** The process it was started as, leading a process group of its own: the CLI, or npm for `npm start`. */
  readonly leader: number;
  /** Resolves when the leader exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the CLI printed so far. */
  output(): string;
  /** The pid of the CLI's own process (`node bin/edge-ingress.js`), once it runs. */
  waitForCli(): Promise<number>;
  /** Resolves once a descendant whose command line matches `pattern` is running. */
  waitForDescendant(pattern: RegExp): Promise<ProcessInfo>;
  waitForOutput(text: string): Promise<void>;
  /** Polls `check` until it holds; fails at once if the CLI exits first. */
  waitWhileRunning<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T>;
  /** What is left once it exited: the descendants seen while it ran, anything naming its folder or ports, and ports held. */
  leftovers(): Promise<Leftovers>;
  /** Kills whatever of its tree is left (a failed test must not leave wrangler running) and removes the copy. */
  dispose(): Promise<void>;
}

export interface Leftovers {
  readonly processes: readonly string[];
  readonly boundPorts: readonly string[];
  /** The descendants' command lines and the listening ports ("address:port") seen while it ran: a check over none proves nothing. */
  readonly seen: { readonly commandLines: readonly string[]; readonly ports: readonly string[] };
}

/**
 * Starts `edge-ingress dev` on a copy of the bundled demo with demo Nodes, free edge ports, as a user would: the real
 * CLI in a process group of its own (or `npm start -- …`). While it runs, its process tree and listening ports are
 * recorded from /proc, so that once it exits nothing it started can hide.
 */
export async function startDevCli(options: { viaNpm?: boolean } = {}): Promise<DevCli> {
  const manifests = await mkdtemp(join(tmpdir(), "edge-ingress-stop-"));
  await copyOnFreeNodePorts(join(ROOT, "examples/demo"), manifests);
  const httpPort = await findFreePort();
  let httpsPort = await findFreePort();
  while (httpsPort === httpPort) httpsPort = await findFreePort();
  const flags = ["--manifests", manifests, "--port", String(httpPort), "--https-port", String(httpsPort), "--demo-nodes"];
  const [command, args] = options.viaNpm === true ? ["npm", ["start", "--", ...flags]] : [process.execPath, ["bin/edge-ingress.js", "dev", ...flags]];
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const leader = child.pid;
  if (leader === undefined) throw new Error(`${command} did not start`);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
  child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let running = true;

  const descendants = new Map<number, ProcessInfo>();
  const ports = new Map<string, ListeningPort>();
  const record = async (): Promise<void> => {
    const found = listDescendants(leader, await readProcesses()).filter((info) => info.state !== "Z");
    for (const info of found) descendants.set(info.pid, info);
    for (const port of await listListeningPorts([leader, ...found.map((info) => info.pid)])) ports.set(`${port.address}:${port.port}`, port);
  };
  // Recorded until the leader exits, not sampled once: wrangler's processes come and go during start-up.
  const recording = (async () => {
    while (running) {
      await record();
      // A sampling interval for the record, not a wait for an event.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  void exited.then(() => { running = false; });

  const whileRunning = async <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> =>
    waitFor(what, async () => {
      if (!running) throw new Error(`the CLI exited before ${what}:\n${output}`);
      return check();
    }, DEV_START_TIMEOUT_MS);
  const waitForDescendant = (pattern: RegExp): Promise<ProcessInfo> =>
    whileRunning(`a process matching ${pattern}`, async () => {
      const found = listDescendants(leader, await readProcesses()).find((info) => pattern.test(info.commandLine));
      if (found !== undefined) descendants.set(found.pid, found);
      return found;
    });
  const namesThisRun = new RegExp(`${manifests}|--port ${httpPort}\\b|--port ${httpsPort}\\b`);
  /** Descendants seen that still run (the same pid and command line), and any process naming this run's folder or ports. */
  const findLeftovers = (now: ReadonlyMap<number, ProcessInfo>): ProcessInfo[] => {
    const alive = (info: ProcessInfo): boolean => info.state !== "Z";
    const left = [...descendants.values()].flatMap((info) => {
      const current = now.get(info.pid);
      return current !== undefined && alive(current) && current.commandLine === info.commandLine ? [current] : [];
    });
    const strays = [...now.values()].filter((info) => alive(info) && info.pid !== process.pid && namesThisRun.test(info.commandLine) && !left.some((l) => l.pid === info.pid));
    return [...left, ...strays];
  };

  return {
    manifests,
    httpPort,
    httpsPort,
    leader,
    exited,
    output: () => output,
    waitForCli: async () => (options.viaNpm === true ? (await waitForDescendant(/bin\/edge-ingress\.js dev/)).pid : leader),
    waitForDescendant,
    waitWhileRunning: whileRunning,
    waitForOutput: (text) => whileRunning(`"${text}" in the output`, () => output.includes(text)).then(() => {}),
    async leftovers() {
      await recording;
      const left = findLeftovers(await readProcesses());
      const boundPorts: string[] = [];
      for (const [name, { address, port }] of ports) if (!(await canBind(address, port))) boundPorts.push(name);
      return {
        processes: left.map((info) => `${info.pid} (parent ${info.ppid}): ${info.commandLine.slice(0, 160)}`),
        boundPorts,
        seen: { commandLines: [...descendants.values()].map((info) => info.commandLine), ports: [...ports.keys()] },
      };
    },
    async dispose() {
      if (running) kill(-leader);
      await exited;
      await recording;
      // By group as well: a leftover wrangler may still start processes (esbuild, workerd) that nobody saw.
      const now = await readProcesses();
      const ownGroup = now.get(process.pid)?.group;
      for (const info of findLeftovers(now)) {
        if (info.group !== ownGroup) kill(-info.group);
        kill(info.pid);
      }
      await rm(manifests, { recursive: true, force: true });
    },
  };
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone already
  }
}
