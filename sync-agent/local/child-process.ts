import { type ChildProcess, spawn } from "node:child_process";
import { forgetChild, registerChild } from "./child-registry.ts";
import { signalGroup, waitUntilGroupGone } from "./process-group.ts";

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
  /** SIGTERM to its group, SIGKILL after a grace period; resolves once the whole group is gone. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL to its group now; a stop under way then finishes at once. */
  kill(): void;
}

const OUTPUT_LIMIT = 64 * 1024;
const STOP_GRACE_MS = 3_000;

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
  let stopping: Promise<void> | null = null;
  const kill = (): void => {
    if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
  };
  const managed: ManagedProcess = {
    name,
    child,
    output: () => output,
    exited,
    stop: () => (stopping ??= stopGroup(managed)),
    kill,
  };
  // Registered before anything can go wrong, and kept until stopped, not until the leader exits: what it started
  // may outlive it (wrangler's workerd does).
  registerChild(managed);
  return managed;
}

async function stopGroup(managed: ManagedProcess): Promise<void> {
  const pid = managed.child.pid;
  if (pid !== undefined) {
    // Even when the leader has exited already (wrangler exits when its runtime fails to start): the workerd
    // processes it started may still run, orphaned, in its group.
    signalGroup(pid, "SIGTERM");
    const timer = setTimeout(managed.kill, STOP_GRACE_MS);
    await managed.exited;
    clearTimeout(timer);
    // The leader may exit before its children: make sure the whole group is gone before saying so.
    managed.kill();
    await waitUntilGroupGone(pid, STOP_GRACE_MS);
  }
  forgetChild(managed);
}
