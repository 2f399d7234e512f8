import { describe, expect, it } from "vitest";
import { hashString } from "../../../core/balance/hash-string.ts";
import { prepareTargets, targetSetOf } from "../../../core/balance/target-set.ts";

describe("targetSetOf", () => {
  it("prepares a list once and hands the same preparation back for the same list", () => {
    const targets = [{ node: "a", weight: 1 }, { node: "b", weight: 2 }];
    expect(targetSetOf(targets)).toBe(targetSetOf(targets));
    expect(targetSetOf([...targets])).not.toBe(targetSetOf(targets));
  });

  it("keeps each node's hash, weight group and the running weight sums in list order", () => {
    const set = prepareTargets([{ node: "a", weight: 2 }, { node: "b", weight: 1 }, { node: "c", weight: 2 }]);
    expect([...set.nodeHashes]).toEqual(["a", "b", "c"].map((node) => hashString(node) | 0));
    expect(set.groupWeights).toEqual([2, 1]);
    expect([...set.weightGroups]).toEqual([0, 1, 0]);
    expect([...set.cumulativeWeights]).toEqual([2, 3, 5]);
    expect(set.totalWeight).toBe(5);
    expect(set.exactSums).toBe(true);
    expect(set.indexOfNode.get("c")).toBe(2);
    expect(set.uniqueNodes).toBe(true);
  });

  it("notices repeated node names and weights that do not sum exactly", () => {
    expect(prepareTargets([{ node: "a", weight: 1 }, { node: "a", weight: 1 }]).uniqueNodes).toBe(false);
    expect(prepareTargets([{ node: "a", weight: 0.1 }, { node: "b", weight: 0.2 }]).exactSums).toBe(false);
  });
});
