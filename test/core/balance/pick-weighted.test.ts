import { describe, expect, it } from "vitest";
import { pickWeighted } from "../../../core/balance/pick-weighted.ts";
import { seededRandom } from "./seeded-random.ts";

const targets = [
  { node: "a", weight: 1 },
  { node: "b", weight: 2 },
  { node: "c", weight: 7 },
];

describe("pickWeighted", () => {
  it("picks each target in proportion to its weight", () => {
    const random = seededRandom(42);
    const seen = new Map<string, number>();
    for (let i = 0; i < 30_000; i++) {
      const node = pickWeighted(targets, random)?.node ?? "none";
      seen.set(node, (seen.get(node) ?? 0) + 1);
    }
    expect((seen.get("a") ?? 0) / 30_000).toBeCloseTo(0.1, 1);
    expect((seen.get("b") ?? 0) / 30_000).toBeCloseTo(0.2, 1);
    expect((seen.get("c") ?? 0) / 30_000).toBeCloseTo(0.7, 1);
  });

  it("maps the ends of the random range onto the first and last targets", () => {
    expect(pickWeighted(targets, () => 0)?.node).toBe("a");
    expect(pickWeighted(targets, () => 0.0999)?.node).toBe("a");
    expect(pickWeighted(targets, () => 0.1)?.node).toBe("b");
    expect(pickWeighted(targets, () => 0.9999999999)?.node).toBe("c");
  });

  it("returns null for no targets", () => {
    expect(pickWeighted([], () => 0.5)).toBeNull();
  });
});
