import { type ChildProcess, spawn } from "node:child_process";

/**
 * A process the local stack started. Each runs in its own process group, so that stopping it also stops what
 * it started (wrangler starts workerd): Ctrl-C must leave no stray process and no port bound.
 */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last 64 KiB of its output, for error messages. */
  output(): string;
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;
const STOP_GRACE_MS = 3_000;
const running = new Set<ManagedProcess>();

export function startManagedProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {},
): ManagedProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  let partial = "";
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString("utf8");
    output = (output + text).slice(-OUTPUT_LIMIT);
    if (options.onLine === undefined) return;
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) options.onLine(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", (error) => {
      output += `\n${error.message}\n`;
      resolve("spawn-error");
    });
  });
  const managed: ManagedProcess = { name, child, output: () => output, exited, stop: () => stopGroup(managed) };
  // Kept until stopped, not until the leader exits: what it started may outlive it (wrangler's workerd does).
  running.add(managed);
  installExitGuard();
  return managed;
}

async function stopGroup(managed: ManagedProcess): Promise<void> {
  const pid = managed.child.pid;
  if (pid === undefined) return;
  // Even when the leader has exited already (wrangler exits when its runtime fails to start): the workerd
  // processes it started may still run, orphaned, in its group.
  signalGroup(pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), STOP_GRACE_MS);
  await managed.exited;
  clearTimeout(timer);
  // The leader may exit before its children: make sure the whole group is gone before saying so.
  signalGroup(pid, "SIGKILL");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupExists(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  running.delete(managed);
}

/** True while any process of the group is left (a zombie not yet reaped counts). */
function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

let guarded = false;

/** If this process dies without stopping its children, take their groups down with it. */
function installExitGuard(): void {
  if (guarded) return;
  guarded = true;
  process.once("exit", () => {
    for (const managed of running) if (managed.child.pid !== undefined) signalGroup(managed.child.pid, "SIGKILL");
  });
}
