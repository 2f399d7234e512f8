import { describe, expect, it } from "vitest";
import { runToCompletion, startProcess, stopAllProcesses } from "../../../bench/harness/child-processes.ts";

describe("child processes", () => {
  it("stops every process it started, even one ignoring SIGTERM", async () => {
    const polite = startProcess("sleeper", "sleep", ["60"]);
    const stubborn = startProcess("stubborn", "sh", ["-c", "trap '' TERM; echo trapped; while true; do sleep 0.1; done"]);
    // SIGTERM before the trap is set would end it politely: wait until it says it ignores SIGTERM.
    await expect.poll(() => stubborn.output(), { timeout: 10_000, interval: 10 }).toContain("trapped");
    await stopAllProcesses();
    expect(await polite.exited).toBe("SIGTERM");
    expect(await stubborn.exited).toBe("SIGKILL");
  });

  it("fails a command that exits non-zero, with its output", async () => {
    await expect(runToCompletion("failing", "sh", ["-c", "echo broken >&2; exit 3"])).rejects.toThrow(/failing failed \(3\):\nbroken/);
  });
});
