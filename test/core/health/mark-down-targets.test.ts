import { describe, expect, it } from "vitest";
import { markDownTargets } from "../../../core/health/mark-down-targets.ts";

const failing = (...names: string[]) => (node: string): boolean => names.includes(node);

describe("markDownTargets", () => {
  it("marks down the targets whose checks failed while another passes", () => {
    expect(markDownTargets(["node-a", "node-b", "node-c"], failing("node-a", "node-c"))).toEqual({ down: ["node-a", "node-c"], failedOpen: false });
  });

  it("marks nothing down when every check passes", () => {
    expect(markDownTargets(["node-a", "node-b"], failing())).toEqual({ down: [], failedOpen: false });
  });

  it("fails open when every target failed: none is marked down, so all are served", () => {
    expect(markDownTargets(["node-a", "node-b"], failing("node-a", "node-b"))).toEqual({ down: [], failedOpen: true });
    expect(markDownTargets(["node-a"], failing("node-a"))).toEqual({ down: [], failedOpen: true });
  });

  it("leaves a backend without targets (no ready endpoint) empty: nothing to fail open to", () => {
    expect(markDownTargets([], failing("node-a"))).toEqual({ down: [], failedOpen: false });
  });
});
