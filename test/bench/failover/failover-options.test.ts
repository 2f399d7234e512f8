import { describe, expect, it } from "vitest";
import { parseFailoverOptions } from "../../../bench/failover/failover-options.ts";

describe("parseFailoverOptions", () => {
  it("defaults to 15 s of load from 4 loops, node-b killed at 3 s and revived at 9 s", () => {
    expect(parseFailoverOptions([])).toEqual({ durationSeconds: 15, loops: 4, killAtSeconds: 3, reviveAtSeconds: 9, node: "node-b" });
  });

  it("lists every bad option at once", () => {
    expect(() => parseFailoverOptions(["--loops", "0", "--node", "node-z", "--kill-at", "12"])).toThrow(/--loops must be[\s\S]*--kill-at < --revive-at < --duration[\s\S]*--node must be one of/);
  });
});
