import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { listenForStop } from "../../../sync-agent/cli/stop-signals.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MODULE = fileURLToPath(new URL("../../../sync-agent/cli/stop-signals.ts", import.meta.url));

// Real signals need a process of their own: sent to the test runner they would reach its own handlers.
const SCRIPT = `
import { listenForStop } from ${JSON.stringify(MODULE)};
const alive = setInterval(() => {}, 60_000);
let repeats = 0;
const stop = listenForStop({ onRepeat: () => { repeats++; console.log("repeat " + repeats); if (repeats === 2) { stop.dispose(); clearInterval(alive); } } });
console.log("listening");
await stop.requested;
console.log("stop requested by " + stop.signal.reason);
`;

describe("listenForStop", () => {
  test("the first signal asks for a stop, later ones call onRepeat and never kill the process", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    const waiters: { text: string; resolve: () => void }[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      for (const waiter of waiters.splice(0)) if (output.includes(waiter.text)) waiter.resolve(); else waiters.push(waiter);
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const printed = (text: string): Promise<void> => (output.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve })));
    const pid = child.pid ?? 0;

    await printed("listening");
    process.kill(pid, "SIGTERM");
    await printed("stop requested by SIGTERM");
    process.kill(pid, "SIGINT");
    await printed("repeat 1");
    process.kill(pid, "SIGHUP");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output.trim().split("\n")).toEqual(["listening", "stop requested by SIGTERM", "repeat 1", "repeat 2"]);
  }, 30_000);

  test("given an AbortSignal (the command run in-process), it follows that signal and leaves process signals alone", async () => {
    const before = process.listenerCount("SIGINT");
    const outer = new AbortController();
    let repeats = 0;
    const stop = listenForStop({ signal: outer.signal, onRepeat: () => repeats++ });
    expect(process.listenerCount("SIGINT")).toBe(before);
    expect(stop.signal.aborted).toBe(false);
    outer.abort("test");
    await stop.requested;
    expect({ aborted: stop.signal.aborted, reason: stop.signal.reason as unknown, repeats }).toEqual({ aborted: true, reason: "test", repeats: 0 });
    stop.dispose();
  });

  test("listens to process signals until disposed", () => {
    const counts = (): number[] => ["SIGINT", "SIGTERM", "SIGHUP"].map((name) => process.listenerCount(name));
    const before = counts();
    const stop = listenForStop({ onRepeat: () => {} });
    expect(counts()).toEqual(before.map((count) => count + 1));
    stop.dispose();
    expect(counts()).toEqual(before);
  });
});
