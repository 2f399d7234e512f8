/** Seeded, so statistical tests are reproducible: the benchmarks' generator. */
export { createSeededRandom as seededRandom } from "../../../bench/harness/seeded-random.ts";

/** Distinct client addresses: 10.x.y.z. */
export function clientAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
}
