import { describe, expect, it } from "vitest";
import { createTargets } from "../../../bench/stickiness/affinity-chooser.ts";
import { createCoreChooser } from "../../../bench/stickiness/core-chooser.ts";
import { createSeededRandom } from "../../../bench/harness/seeded-random.ts";

const targets = createTargets(4);
const choose = createCoreChooser(createSeededRandom(1));

describe("createCoreChooser", () => {
  it("gives a client the same node every time", () => {
    const first = choose(targets, "198.51.100.7", new Set());
    expect(targets.map((target) => target.node)).toContain(first);
    expect(choose(targets, "198.51.100.7", new Set())).toBe(first);
  });

  it("avoids a node this edge believes is down", () => {
    const usual = choose(targets, "198.51.100.7", new Set()) ?? "";
    expect(choose(targets, "198.51.100.7", new Set([usual]))).not.toBe(usual);
  });

  it("balances without a key", () => {
    const seen = new Set(Array.from({ length: 200 }, () => choose(targets, undefined, new Set())));
    expect(seen.size).toBe(4);
  });
});
