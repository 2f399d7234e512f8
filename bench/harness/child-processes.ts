import { spawn, type ChildProcess } from "node:child_process";

/**
 * Every process a benchmark starts goes through here, so that one call (and the exit handlers) stops them all:
 * a benchmark must never leave a backend, proxy or load generator running behind it.
 */
export interface StartedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far (the last 64 KiB), for error messages. */
  readonly output: () => string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  readonly stop: () => Promise<void>;
}

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const running = new Set<StartedProcess>();
let interrupted = false;
const OUTPUT_LIMIT = 64 * 1024;
const STOP_GRACE_MS = 3_000;

export function startProcess(name: string, command: string, args: readonly string[], options: StartOptions = {}): StartedProcess {
  if (interrupted) throw new Error(`interrupted: not starting ${name}`);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", (error) => {
      collect(Buffer.from(`\n${error.message}\n`));
      resolve("spawn-error");
    });
  });
  const started: StartedProcess = {
    name,
    child,
    output: () => output,
    exited,
    stop: () => stopProcess(started),
  };
  running.add(started);
  void exited.then(() => running.delete(started));
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
  await Promise.all([...running].map((started) => stopProcess(started)));
}

async function stopProcess(started: StartedProcess): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  started.child.kill("SIGTERM");
  const timer = setTimeout(() => started.child.kill("SIGKILL"), STOP_GRACE_MS);
  await started.exited;
  clearTimeout(timer);
}

let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort when the benchmark itself dies: nothing asynchronous runs in an "exit" handler, so kill hard.
  process.once("exit", () => {
    for (const started of running) started.child.kill("SIGKILL");
  });
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
