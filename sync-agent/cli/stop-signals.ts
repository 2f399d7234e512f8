/** The signals that ask a long-running command to stop: Ctrl-C, `kill`, and the terminal closing. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface StopRequests {
  /** Aborts at the first stop request: pass it to start-up so that a stop during start-up is heard. */
  readonly signal: AbortSignal;
  /** Resolves at the first stop request. */
  readonly requested: Promise<void>;
  /** No longer listens (the process signals' default action returns). */
  dispose(): void;
}

/**
 * Listens for stop requests from the moment it is called until disposed: `signal` when given (a caller running the
 * command in-process), else SIGINT, SIGTERM and SIGHUP. A signal never kills the process while it cleans up: the
 * first asks for a stop, each later one calls `onRepeat` (to hurry the stop along, not to abandon it). Under
 * `npm start` every Ctrl-C arrives twice: once from the terminal, once forwarded by npm.
 */
export function listenForStop(options: { readonly signal?: AbortSignal; readonly onRepeat: () => void }): StopRequests {
  const controller = new AbortController();
  const requested = new Promise<void>((resolve) => {
    if (controller.signal.aborted) resolve();
    controller.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  const outer = options.signal;
  if (outer !== undefined) {
    const forward = (): void => controller.abort(outer.reason);
    if (outer.aborted) forward();
    else outer.addEventListener("abort", forward, { once: true });
    return { signal: controller.signal, requested, dispose: () => outer.removeEventListener("abort", forward) };
  }
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) options.onRepeat();
    else controller.abort(name);
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    requested,
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
    },
  };
}
