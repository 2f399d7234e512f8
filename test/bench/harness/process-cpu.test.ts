import { describe, expect, it } from "vitest";
import { readProcessCpuSeconds } from "../../../bench/harness/process-cpu.ts";

describe("readProcessCpuSeconds", () => {
  it("grows while the process computes", () => {
    const before = readProcessCpuSeconds(process.pid);
    const until = Date.now() + 150;
    let spin = 0;
    while (Date.now() < until) spin++;
    const after = readProcessCpuSeconds(process.pid);
    expect(spin).toBeGreaterThan(0);
    expect(before).not.toBeNull();
    expect((after ?? 0) - (before ?? 0)).toBeGreaterThan(0.05);
  });

  it("is null for a process that does not exist", () => {
    expect(readProcessCpuSeconds(2 ** 22 + 12345)).toBeNull();
  });
});
