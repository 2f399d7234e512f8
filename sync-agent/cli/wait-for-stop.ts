/** Resolves when `signal` aborts or, without one, at the first SIGINT or SIGTERM: how long-running commands end. */
export function waitForStop(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal !== undefined) {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
      return;
    }
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
