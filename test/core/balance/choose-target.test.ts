import { describe, expect, it } from "vitest";
import { chooseTarget } from "../../../core/balance/choose-target.ts";
import { pickRendezvous } from "../../../core/balance/pick-rendezvous.ts";

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
});
