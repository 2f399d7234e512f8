import { beforeEach, describe, expect, it } from "vitest";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { readStatus } from "./support/push.ts";
import { standardTable } from "./support/tables.ts";

beforeEach(async () => {
  await storeTable(await standardTable(backends));
});

/** random() = 0 makes the weighted pick take the first listed target: the dead or hanging one. */
const firstTargetFirst = { random: () => 0 };

describe("failover", () => {
  it("retries a GET on another target when the first refuses the connection", async () => {
    const edge = startEdge({}, firstTargetFirst);
    const response = await edge.send("http://flaky.example/x");
    expect(response.status).toBe(200);
    expect((await echoOf(response)).node).toBe("node-b");
  });

  it("marks the failed target down in this isolate, and goes straight to a healthy one meanwhile", async () => {
    let clock = Date.now();
    const edge = startEdge({ EDGE_COOLDOWN_MS: "5000" }, { ...firstTargetFirst, now: () => clock });
    await edge.send("http://flaky.example/");
    const status = await readStatus(edge);
    expect(status.down).toEqual([expect.objectContaining({ node: "node-dead", nodePort: backends.ports.web, consecutiveFailures: 1 })]);
    expect((await echoOf(await edge.send("http://flaky.example/"))).node).toBe("node-b");
    expect((await readStatus(edge)).down).toHaveLength(1);
    clock += 5_001;
    expect((await readStatus(edge)).down).toEqual([]);
  });

  it("brings a target back when a newer table lists it", async () => {
    const edge = startEdge({}, firstTargetFirst);
    await edge.send("http://flaky.example/");
    expect((await readStatus(edge)).down).toHaveLength(1);
    await storeTable(await standardTable(backends));
    expect((await readStatus(edge)).down).toEqual([]);
  });

  it("answers 502 when every target fails, without revealing target addresses", async () => {
    const edge = startEdge();
    const response = await edge.send("http://all-dead.example/");
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(body).toMatch(/^bad gateway: .*\nrequest id: [0-9a-f]{16}\n$/);
    expect(body).not.toMatch(/127\.0\.0|node-|:\d{4,5}/);
  });

  it("still tries the targets of a backend that are all cooling down, rather than answering 503 untried (failing open)", async () => {
    const clock = Date.now();
    const edge = startEdge({ EDGE_COOLDOWN_MS: "60000" }, { now: () => clock });
    const failures = async () => (await readStatus(edge)).down.map((d) => [d.node, d.consecutiveFailures]);
    expect((await edge.send("http://all-dead.example/")).status).toBe(502);
    expect(await failures()).toEqual([["node-a", 1], ["node-b", 1]]);
    // The clock stands still: both are cooling down, and the next request connects to each of them again.
    expect((await edge.send("http://all-dead.example/")).status).toBe(502);
    expect(await failures()).toEqual([["node-a", 2], ["node-b", 2]]);
  });

  it("does not retry a request whose body was already streamed", async () => {
    const edge = startEdge({}, firstTargetFirst);
    const response = await edge.send("http://flaky.example/", { method: "POST", body: "payload" });
    expect(response.status).toBe(502);
  });

  it("retries a POST without a body after a refused connection", async () => {
    const edge = startEdge({}, firstTargetFirst);
    const response = await edge.send("http://flaky.example/", { method: "POST" });
    expect(response.status).toBe(200);
    expect((await echoOf(response)).node).toBe("node-b");
  });

  it("answers 504 when the only target does not answer within the upstream timeout", async () => {
    const edge = startEdge({ EDGE_UPSTREAM_TIMEOUT_MS: "300" });
    const response = await edge.send("http://hang.example/");
    expect(response.status).toBe(504);
    expect(await response.text()).toMatch(/^gateway timeout/);
  });

  it("retries a GET that timed out on another target", async () => {
    // The timeout also bounds the healthy target's answer: the suite's 1 s, not 300 ms, so a loaded machine
    // cannot turn the retry into a second timeout.
    const edge = startEdge({}, firstTargetFirst);
    const response = await edge.send("http://mixed.example/");
    expect(response.status).toBe(200);
    expect((await echoOf(response)).node).toBe("node-b");
  });

  it("does not repeat a POST that timed out: the target may be processing it", async () => {
    const edge = startEdge({ EDGE_UPSTREAM_TIMEOUT_MS: "300" }, firstTargetFirst);
    expect((await edge.send("http://mixed.example/", { method: "POST" })).status).toBe(504);
  });

  it("bounds the number of tries", async () => {
    const edge = startEdge({ EDGE_MAX_TRIES: "1" }, firstTargetFirst);
    expect((await edge.send("http://flaky.example/")).status).toBe(502);
  });
});
