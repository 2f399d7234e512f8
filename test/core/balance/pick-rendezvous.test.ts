import { describe, expect, it } from "vitest";
import { hashString, hashWord, mixWord } from "../../../core/balance/hash-string.ts";
import { pickRendezvous } from "../../../core/balance/pick-rendezvous.ts";
import type { WeightedTarget } from "../../../core/balance/weighted-target.ts";
import { clientAddresses } from "./seeded-random.ts";

const nodes = (n: number, weight = 1) => Array.from({ length: n }, (_, i) => ({ node: `node-${i}`, weight }));
const clients = clientAddresses(20_000);

function assign(targets: ReturnType<typeof nodes>): Map<string, string> {
  return new Map(clients.map((ip) => [ip, pickRendezvous(targets, ip)?.node ?? "none"]));
}

function counts(assignment: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const node of assignment.values()) out.set(node, (out.get(node) ?? 0) + 1);
  return out;
}

describe("pickRendezvous", () => {
  it("gives the same client the same target every time, whatever the list order", () => {
    const targets = nodes(7);
    const reversed = [...targets].reverse();
    for (const ip of clients.slice(0, 500)) expect(pickRendezvous(reversed, ip)).toEqual(pickRendezvous(targets, ip));
  });

  it("moves only the removed target's clients, about 1/n of them, when one of n targets goes away", () => {
    for (const n of [3, 10]) {
      const before = assign(nodes(n));
      const removed = "node-1";
      const after = assign(nodes(n).filter((t) => t.node !== removed));
      let moved = 0;
      for (const [ip, node] of before) {
        if (after.get(ip) === node) continue;
        moved++;
        expect(node).toBe(removed);
      }
      expect(moved / clients.length).toBeGreaterThan((1 / n) * 0.9);
      expect(moved / clients.length).toBeLessThan((1 / n) * 1.1);
    }
  });

  it("moves about 1/(n+1) of the clients, all onto the new target, when a target is added", () => {
    const before = assign(nodes(9));
    const after = assign(nodes(10));
    let moved = 0;
    for (const [ip, node] of before) {
      if (after.get(ip) === node) continue;
      moved++;
      expect(after.get(ip)).toBe("node-9");
    }
    expect(moved / clients.length).toBeGreaterThan(0.1 * 0.9);
    expect(moved / clients.length).toBeLessThan(0.1 * 1.1);
  });

  it("spreads clients evenly over equal targets (max/min below 1.15)", () => {
    const spread = [...counts(assign(nodes(10))).values()];
    expect(spread).toHaveLength(10);
    expect(Math.max(...spread) / Math.min(...spread)).toBeLessThan(1.15);
  });

  it("gives targets shares proportional to their weights", () => {
    const share = counts(assign([{ node: "big", weight: 3 }, { node: "small", weight: 1 }]));
    const ratio = (share.get("big") ?? 0) / (share.get("small") ?? 1);
    expect(ratio).toBeGreaterThan(2.7);
    expect(ratio).toBeLessThan(3.3);
  });

  it("returns null when there is no target", () => {
    expect(pickRendezvous([], "10.0.0.1")).toBeNull();
  });

  it("picks the highest score -weight / ln(u), u the hash of (node, key), exactly as scoring every target would", () => {
    const scoreAll = (targets: readonly WeightedTarget[], key: string): string | null => {
      const mixed = mixWord(hashString(key));
      let best: WeightedTarget | null = null;
      let bestScore = -Infinity;
      for (const target of targets) {
        const score = -target.weight / Math.log((hashWord(hashString(target.node), mixed) + 0.5) / 4294967296);
        if (score > bestScore || (score === bestScore && best !== null && target.node < best.node)) {
          best = target;
          bestScore = score;
        }
      }
      return best?.node ?? null;
    };
    const mixed = Array.from({ length: 9 }, (_, i) => ({ node: `node-${i}`, weight: 1 + (i % 4) }));
    for (const targets of [nodes(9), mixed]) {
      for (const ip of clients.slice(0, 2_000)) expect(pickRendezvous(targets, ip)?.node).toBe(scoreAll(targets, ip));
    }
  });
});
