import { afterEach, describe, expect, it, vi } from "vitest";
import { RerunAfterFailure } from "../../../sync-agent/loop/rerun-after-failure.ts";

describe("RerunAfterFailure", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks for another pass after a backoff that doubles with each failure in a row, and starts over after a success", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let reruns = 0;
    const rerun = new RerunAfterFailure({ requestRerun: () => { reruns += 1; }, retry: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 } });
    rerun.failed();
    vi.advanceTimersByTime(99);
    expect(reruns).toBe(0);
    vi.advanceTimersByTime(1);
    expect(reruns).toBe(1);
    rerun.failed();
    vi.advanceTimersByTime(199);
    expect(reruns).toBe(1);
    vi.advanceTimersByTime(1);
    expect(reruns).toBe(2);
    rerun.succeeded();
    rerun.failed();
    vi.advanceTimersByTime(100);
    expect(reruns).toBe(3);
  });

  it("keeps one pending pass however often it fails meanwhile, and none once stopped", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let reruns = 0;
    const rerun = new RerunAfterFailure({ requestRerun: () => { reruns += 1; }, retry: { initialMs: 100, maxMs: 100, factor: 1, jitter: 0 } });
    rerun.failed();
    rerun.failed();
    vi.advanceTimersByTime(100);
    expect(reruns).toBe(1);
    rerun.failed();
    rerun.stop();
    vi.advanceTimersByTime(1000);
    expect(reruns).toBe(1);
  });
});
