import { describe, expect, it } from "vitest";
import { generateClientIps } from "../../../bench/stickiness/generate-client-ips.ts";
import { createSeededRandom } from "../../../bench/harness/seeded-random.ts";

describe("generateClientIps", () => {
  it("gives the requested number of distinct addresses", () => {
    const clients = generateClientIps(5_000, createSeededRandom(3));
    expect(new Set(clients).size).toBe(5_000);
  });

  it("gives the same clients for the same seed", () => {
    expect(generateClientIps(100, createSeededRandom(3))).toEqual(generateClientIps(100, createSeededRandom(3)));
  });

  it("mixes random IPv4, consecutive IPv4 and IPv6 clients", () => {
    const [random, , consecutive, ipv6] = generateClientIps(4, createSeededRandom(3));
    expect(random).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(consecutive).toBe("100.64.0.0");
    expect(ipv6).toMatch(/^2001:db8:/);
  });
});
