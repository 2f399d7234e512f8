import { startManagedProcess, type ManagedProcess } from "../../sync-agent/local/child-process.ts";

/**
 * Every process a benchmark starts goes through here, so that one call (and the exit handlers) stops them all:
 * a benchmark must never leave a backend, proxy or load generator running behind it.
 */
export type StartedProcess = ManagedProcess;

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const running = new Set<StartedProcess>();
let interrupted = false;
const STOP_GRACE_MS = 3_000;

/** Started through the local stack's process manager: its own process group, stopped with everything it started. */
export function startProcess(name: string, command: string, args: readonly string[], options: StartOptions = {}): StartedProcess {
  if (interrupted) throw new Error(`interrupted: not starting ${name}`);
  const started = startManagedProcess(name, command, args, { cwd: options.cwd, env: options.env });
  running.add(started);
  void started.exited.then(() => running.delete(started));
  installExitHandlers();
  return started;
}

/** Runs a command to completion and returns its output; rejects with that output on a non-zero exit. */
export async function runToCompletion(name: string, command: string, args: readonly string[], options: StartOptions = {}): Promise<string> {
  const started = startProcess(name, command, args, options);
  const code = await started.exited;
  if (code !== 0) throw new Error(`${name} failed (${String(code)}):\n${started.output()}`);
  return started.output();
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((started) => started.stop()));
}

let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // The process manager kills every group left when this process exits.
  // On Ctrl-C, stop the children: whatever awaited them then fails and unwinds through its `finally` (temporary
  // files removed); the timer only ends a run that still hangs after that.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.exitCode = 130;
      void stopAllProcesses();
      setTimeout(() => process.exit(130), STOP_GRACE_MS * 2).unref();
    });
  }
}

/** True once Ctrl-C (or SIGTERM) arrived: nothing more should start. */
export function wasInterrupted(): boolean {
  return interrupted;
}
