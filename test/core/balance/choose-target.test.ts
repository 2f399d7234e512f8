import { describe, expect, it } from "vitest";
import { chooseTarget } from "../../../core/balance/choose-target.ts";
import { pickRendezvous } from "../../../core/balance/pick-rendezvous.ts";
import { pickWeighted } from "../../../core/balance/pick-weighted.ts";
import type { WeightedTarget } from "../../../core/balance/weighted-target.ts";
import { clientAddresses, seededRandom } from "./seeded-random.ts";

const targets = ["a", "b", "c"].map((node) => ({ node, weight: 1 }));
const none = new Set<string>();

describe("chooseTarget", () => {
  it("never picks a target already tried for this request", () => {
    for (let r = 0; r < 1; r += 0.05) {
      expect(chooseTarget(targets, { tried: new Set(["a", "b"]), down: none, random: () => r })?.node).toBe("c");
    }
  });

  it("avoids targets believed down while others remain", () => {
    for (let r = 0; r < 1; r += 0.05) {
      expect(chooseTarget(targets, { tried: none, down: new Set(["a", "c"]), random: () => r })?.node).toBe("b");
    }
  });

  it("still tries a believed-down target when nothing else is left", () => {
    expect(chooseTarget(targets, { tried: new Set(["a"]), down: new Set(["b", "c"]), random: () => 0 })?.node).toBe("b");
  });

  it("returns null once every target was tried", () => {
    expect(chooseTarget(targets, { tried: new Set(["a", "b", "c"]), down: none, random: () => 0 })).toBeNull();
  });

  it("keeps a client on its rendezvous target and fails over to its second choice", () => {
    const first = pickRendezvous(targets, "192.0.2.7");
    expect(first).not.toBeNull();
    const chosen = chooseTarget(targets, { affinityKey: "192.0.2.7", tried: none, down: none, random: () => 0 });
    expect(chosen).toEqual(first);
    const tried = new Set([first?.node ?? ""]);
    const second = chooseTarget(targets, { affinityKey: "192.0.2.7", tried, down: none, random: () => 0 });
    expect(second).toEqual(pickRendezvous(targets.filter((t) => t.node !== first?.node), "192.0.2.7"));
  });

  it("chooses exactly what filtering the list and picking from the rest would, whatever is tried or down", () => {
    const random = seededRandom(7);
    const list: WeightedTarget[] = Array.from({ length: 12 }, (_, i) => ({ node: `node-${i}`, weight: 1 + (i % 3) }));
    const equal: WeightedTarget[] = list.map(({ node }) => ({ node, weight: 1 }));
    const keys = clientAddresses(40);
    for (const targets of [list, equal]) {
      for (let round = 0; round < 300; round++) {
        const tried = new Set(targets.filter(() => random() < 0.3).map((t) => t.node));
        const down = new Set(targets.filter(() => random() < 0.3).map((t) => t.node));
        if (round % 5 === 0) down.add("not-a-target");
        const untried = targets.filter((t) => !tried.has(t.node));
        const healthy = untried.filter((t) => !down.has(t.node));
        const pool = healthy.length > 0 ? healthy : untried;
        const key = keys[round % keys.length] ?? "";
        expect(chooseTarget(targets, { affinityKey: key, tried, down, random })).toEqual(pool.length === 0 ? null : pickRendezvous(pool, key));
        const draw = random();
        expect(chooseTarget(targets, { tried, down, random: () => draw })).toEqual(pool.length === 0 ? null : pickWeighted(pool, () => draw));
      }
    }
  });

  it("lands on the same target as pickWeighted for every draw, at the edges of each target's range too", () => {
    const targets = [{ node: "a", weight: 1 }, { node: "b", weight: 2 }, { node: "c", weight: 7 }];
    for (const draw of [0, 0.0999, 0.1, 0.29999, 0.3, 0.5, 0.9999999999, ...Array.from({ length: 200 }, (_, i) => i / 200)]) {
      expect(chooseTarget(targets, { tried: none, down: none, random: () => draw })).toBe(pickWeighted(targets, () => draw));
    }
  });
});
