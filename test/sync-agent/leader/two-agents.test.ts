import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { seedShop } from "../support/demo-cluster.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeIngress } from "../support/kube-objects.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { sleep, waitFor } from "../support/wait-for.ts";

describe("two agents sharing one Lease", () => {
  let api: FakeKubeApi;
  let edge: EdgeReceiver;
  let agents: TestAgent[];
  const violations: string[] = [];

  beforeEach(async () => {
    api = new FakeKubeApi({ tokens: ["token-1", "token-2"] });
    await api.start();
    edge = new EdgeReceiver();
    await edge.start();
    seedShop(api);
    violations.length = 0;
    edge.onPush = (push) => {
      const leaders = agents.filter((a) => a.agent.isLeader()).map((a) => a.identity);
      if (leaders.length > 1) violations.push(`two leaders at a push: ${leaders.join(", ")}`);
      if (!leaders.includes(push.signer) && leaders.length > 0) violations.push(`${push.signer} pushed while ${leaders.join()} led`);
    };
    agents = await Promise.all([
      startTestAgent(api, edge, { identity: "agent-1", token: "token-1" }),
      startTestAgent(api, edge, { identity: "agent-2", token: "token-2" }),
    ]);
    await waitFor("the first push", () => edge.pushes.length > 0);
  });

  afterEach(async () => {
    await Promise.all(agents.map((a) => a.agent.stop()));
    await edge.stop();
    await api.stop();
  });

  let n = 0;
  const change = () => {
    n += 1;
    api.apply(kubeIngress(`shop/x${n}`, [{ host: `x${n}.test`, service: "web", port: 80 }]));
    return `x${n}.test`;
  };
  const pushedHost = (host: string, timeoutMs = 15_000) =>
    waitFor(host, () => edge.latest()?.hosts.some((h) => h.host === host), timeoutMs);
  /** Signers in push order, runs collapsed: ["agent-1", "agent-2"] means one handover and no interleaving. */
  const signerRuns = () => edge.pushes.map((p) => p.signer).filter((s, i, all) => s !== all[i - 1]);

  test("exactly one is leader, and only it pushes", async () => {
    for (let i = 0; i < 3; i++) {
      await pushedHost(change());
      await sleep(120);
    }
    const leaders = agents.filter((a) => a.agent.isLeader());
    expect(leaders).toHaveLength(1);
    expect(signerRuns()).toEqual([leaders[0]?.identity]);
    expect(violations).toEqual([]);
  });

  test("when the leader loses the API server it stops pushing before the other takes over; never both", async () => {
    const leader = agents.find((a) => a.agent.isLeader());
    const standby = agents.find((a) => !a.agent.isLeader());
    if (leader === undefined || standby === undefined) throw new Error("expected one leader and one standby");
    // The leader can still reach the edge and still gets watch events on its open streams; only its Lease
    // renewals fail. Keep changing the cluster through the whole handover to tempt it.
    const heal = api.fail((r) => r.user === (leader.identity === "agent-1" ? "token-1" : "token-2") && r.resource === "leases", 503, Number.POSITIVE_INFINITY);
    const deadline = performance.now() + 2500;
    while (performance.now() < deadline) {
      change();
      await sleep(100);
    }
    await waitFor("the standby leads", () => standby.agent.isLeader());
    await pushedHost(change());
    expect(edge.pushes.at(-1)?.signer).toBe(standby.identity);
    heal();
    await sleep(400); // the old leader is back in touch: it must stay a standby
    await pushedHost(change());
    expect(leader.agent.isLeader()).toBe(false);
    expect(signerRuns()).toEqual([leader.identity, standby.identity]);
    expect(violations).toEqual([]);
  });

  test("a leader that stops releases the Lease, and the other takes over at once and publishes", async () => {
    const leader = agents.find((a) => a.agent.isLeader());
    const standby = agents.find((a) => !a.agent.isLeader());
    if (leader === undefined || standby === undefined) throw new Error("expected one leader and one standby");
    const pushesBefore = edge.pushes.length;
    const stopped = performance.now();
    await leader.agent.stop();
    await waitFor("the standby's first push", () => edge.pushes.length > pushesBefore && edge.pushes.at(-1)?.signer === standby.identity, 3000);
    // Handed over by releasing the Lease, not by letting it run out: the standby takes it on its next retry.
    // The time is bounded loosely (a loaded machine stretches it); the release is what this test is about.
    expect(leader.logs.some((line) => line.includes('"lease-released"'))).toBe(true);
    expect(performance.now() - stopped).toBeLessThan(2500);
    expect(violations).toEqual([]);
  });
});
