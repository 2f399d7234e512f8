import { describe, expect, it } from "vitest";
import { createTargets, type AffinityChooser, type BenchTarget } from "../../../bench/stickiness/affinity-chooser.ts";
import { generateClientIps } from "../../../bench/stickiness/generate-client-ips.ts";
import { measureStickiness } from "../../../bench/stickiness/measure-stickiness.ts";
import { createSeededRandom } from "../../../bench/harness/seeded-random.ts";

// Stand-in balancers for testing the measurement: one consistent (rendezvous over a toy hash), one not (modulo).
function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  // Final avalanche so that keys differing in their last character still spread.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0;
  return (hash ^ (hash >>> 13)) >>> 0;
}

const usable = (targets: readonly BenchTarget[], down: ReadonlySet<string>): BenchTarget[] => targets.filter((target) => !down.has(target.node));

const random = createSeededRandom(7);
const rendezvous: AffinityChooser = (targets, key, down) => {
  const pool = usable(targets, down);
  if (key === undefined) return pool[Math.floor(random() * pool.length)]?.node ?? null;
  let best: BenchTarget | undefined;
  let bestScore = -1;
  for (const target of pool) {
    const score = fnv(`${target.node}|${key}`);
    if (score > bestScore) [best, bestScore] = [target, score];
  }
  return best?.node ?? null;
};
const modulo: AffinityChooser = (targets, key, down) => {
  const pool = usable(targets, down);
  return pool[fnv(key ?? "") % pool.length]?.node ?? null;
};

const clients = generateClientIps(20_000, createSeededRandom(1));

describe("measureStickiness", () => {
  it("finds no needless moves and about 1/n moved for a consistent hash", () => {
    const figures = measureStickiness(rendezvous, clients, "n=5", createTargets(5));
    expect(figures.removed.needless + figures.markedDown.needless + figures.added.needless).toBe(0);
    expect(figures.removed.meanFraction).toBeGreaterThan(0.15);
    expect(figures.removed.meanFraction).toBeLessThan(0.25);
    expect(figures.added.ideal).toBeCloseTo(1 / 6, 10);
  });

  it("exposes a modulo hash, which moves most clients when one target goes", () => {
    const figures = measureStickiness(modulo, clients, "n=5", createTargets(5));
    expect(figures.removed.worstRatio).toBeGreaterThan(3);
    expect(figures.removed.needless).toBeGreaterThan(0);
  });

  it("reports the spread of client-IP and random choices across targets", () => {
    const figures = measureStickiness(rendezvous, clients, "n=5", createTargets(5));
    expect(figures.clientIpSpread.maxOverMin).toBeGreaterThanOrEqual(1);
    expect(figures.clientIpSpread.maxOverMin).toBeLessThan(1.2);
    expect(figures.randomSpread.maxOverMin).toBeLessThan(1.2);
  });
});
