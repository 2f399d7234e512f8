/**
 * Every process the local stack started and has not yet stopped, registered the moment it is spawned: whatever
 * ends this program (a signal during start-up, a second Ctrl-C, an uncaught error), nothing it started may outlive it.
 */
export interface RegisteredChild {
  readonly name: string;
  stop(): Promise<void>;
  /** SIGKILL to its whole process group, at once. */
  kill(): void;
}

const running = new Set<RegisteredChild>();
let guarded = false;

export function registerChild(child: RegisteredChild): void {
  running.add(child);
  installExitGuard();
}

export function forgetChild(child: RegisteredChild): void {
  running.delete(child);
}

/** Stops every child still registered (each stop is idempotent: one already under way is awaited, not repeated). */
export async function stopEveryChild(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** Escalation (a second stop signal) and the last resort: kills every registered child's process group now. */
export function killEveryChild(): void {
  for (const child of running) child.kill();
}

/**
 * On exit, kill what is left. Node runs "exit" listeners when the program ends by itself or by an uncaught error,
 * not when a signal's default action kills it: the CLI handles SIGINT, SIGTERM and SIGHUP for that reason.
 */
function installExitGuard(): void {
  if (guarded) return;
  guarded = true;
  process.once("exit", killEveryChild);
}
