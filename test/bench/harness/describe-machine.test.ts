import { describe, expect, it } from "vitest";
import { describeMachine, warnIfBusy } from "../../../bench/harness/describe-machine.ts";

const machine = { ...describeMachine(), cores: 2 };

describe("warnIfBusy", () => {
  it("stays quiet while the load is what the benchmark itself makes", () => {
    expect(warnIfBusy(0.4, { ...machine, loadAverage: 4.5 })).toBeNull();
  });

  it("warns when the load before or after shows other work on the machine", () => {
    expect(warnIfBusy(7.2, { ...machine, loadAverage: 1 })).toMatch(/load average reached 7\.2 on 2 cores/);
    expect(warnIfBusy(0.2, { ...machine, loadAverage: 6 })).toMatch(/unreliable/);
  });
});
