/**
 * Process groups on POSIX: a child spawned `detached` leads a group of its own, which everything it starts joins
 * (wrangler → its cli.js → workerd and esbuild). Signalling the group reaches that whole tree, even the members
 * whose parent has exited already.
 */

/** Sends `signal` to every process of the group `pgid`; false when none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group is left (a zombie not yet reaped counts). */
export function groupExists(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/** Resolves true once the group is empty, or false after `timeoutMs` with members left. */
export async function waitUntilGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  // No event says "the last member of a group exited" (its members need not be our children): poll.
  while (groupExists(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
