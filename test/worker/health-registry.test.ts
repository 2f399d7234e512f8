import { describe, expect, it } from "vitest";
import { HealthRegistry } from "../../worker/health/health-registry.ts";

const policy = { coolDownMs: 1_000, maxCoolDownMs: 8_000 };
const target = (node: string, nodePort = 30080) => ({ node, address: "127.0.0.2", nodePort, weight: 1 });

describe("passive health", () => {
  it("names the down nodes among a backend's targets, whether it has fewer or more failures than targets", () => {
    const many = Array.from({ length: 50 }, (_, i) => target(`node-${i}`));
    const registry = new HealthRegistry();
    registry.recordFailure(target("node-3"), 0, 1, policy);
    registry.recordFailure(target("node-7", 31000), 0, 1, policy);
    expect([...registry.downNodes(many, 10, 1)]).toEqual(["node-3"]);
    expect([...registry.downNodes([target("node-3"), target("node-4")], 10, 1)]).toEqual(["node-3"]);
    expect([...registry.downNodes(many, 5_000, 1)]).toEqual([]);
    expect([...registry.downNodes(many, 10, 2)]).toEqual([]);
    registry.recordSuccess(target("node-3"));
    expect(registry.downNodes(many, 10, 1).size).toBe(0);
  });

  it("lists what it believes down, by node and port", () => {
    const registry = new HealthRegistry();
    registry.recordFailure(target("b", 2), 0, 1, policy);
    registry.recordFailure(target("a", 1), 0, 1, policy);
    registry.recordFailure(target("a", 1), 0, 1, policy);
    expect(registry.list(10, 1)).toEqual([
      { node: "a", nodePort: 1, downUntil: 2_000, consecutiveFailures: 2 },
      { node: "b", nodePort: 2, downUntil: 1_000, consecutiveFailures: 1 },
    ]);
  });
});
