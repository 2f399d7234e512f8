import type { TimerHandle, Timers } from "../../../sync-agent/health/timers.ts";

export interface FakeTimers extends Timers {
  /** Moves the clock forward, firing due timers in order and letting promises settle after each. */
  advance(ms: number): Promise<void>;
}

/** A hand-driven clock for the checker: tests say how much time passes, not how long to wait. */
export function createFakeTimers(): FakeTimers {
  let now = 0;
  let nextId = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      nextId += 1;
      pending.set(nextId, { at: now + Math.max(0, ms), callback });
      return nextId;
    },
    clearTimeout(handle) {
      if (typeof handle === "number") pending.delete(handle);
    },
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        let first: [number, { at: number; callback: () => void }] | undefined;
        for (const timer of pending) if (timer[1].at <= until && (first === undefined || timer[1].at < first[1].at)) first = timer;
        if (first === undefined) break;
        pending.delete(first[0]);
        now = first[1].at;
        first[1].callback();
        await settle();
      }
      now = until;
      await settle();
    },
  };
}
