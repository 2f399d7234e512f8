/**
 * The clock and timers the health checker runs on, passed in so that tests can drive time by hand. `now` is
 * monotonic milliseconds (not wall time): schedules must not jump when the system clock is set.
 */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque: whatever `setTimeout` returned, handed back to `clearTimeout`. */
export type TimerHandle = unknown;

export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // Health checks alone must not keep the process alive once everything else has stopped.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
