import { describe, expect, it } from "vitest";
import { readProcessCpuSeconds } from "../../../bench/harness/process-cpu.ts";

describe("readProcessCpuSeconds", () => {
  it("grows while the process computes", () => {
    const before = readProcessCpuSeconds(process.pid) ?? NaN;
    // Spin until 50 ms of CPU show up (however busy the machine), or give up after 5 s of wall time.
    const deadline = Date.now() + 5_000;
    let used = 0;
    while (Date.now() < deadline && used < 0.05) used = (readProcessCpuSeconds(process.pid) ?? NaN) - before;
    expect(used).toBeGreaterThanOrEqual(0.05);
  });

  it("is null for a process that does not exist", () => {
    expect(readProcessCpuSeconds(2 ** 22 + 12345)).toBeNull();
  });
});
