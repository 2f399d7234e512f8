import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { seedShop } from "../support/demo-cluster.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeIngress } from "../support/kube-objects.ts";
import { startTestAgent, type TestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Lease timings per test. Leadership may change hands whenever a leader's renewals stall past its deadline, so a
 * test that expects no handover leaves room for seconds of stall; one that forces a handover keeps the deadline
 * well inside the lease, so that the old leader steps down long before the standby may step up.
 */
const STEADY = { leaseDurationMs: 20_000, renewDeadlineMs: 15_000, retryPeriodMs: 100 };
const HANDOVER = { leaseDurationMs: 4_000, renewDeadlineMs: 2_000, retryPeriodMs: 200 };

describe("two agents sharing one Lease", () => {
  let api: FakeKubeApi;
  let edge: EdgeReceiver;
  let agents: TestAgent[] = [];
  const violations: string[] = [];

  beforeEach(async () => {
    api = new FakeKubeApi({ tokens: ["token-1", "token-2"] });
    await api.start();
    edge = new EdgeReceiver();
    await edge.start();
    seedShop(api);
    violations.length = 0;
    agents = [];
    edge.onPush = (push) => {
      const leaders = agents.filter((a) => a.agent.isLeader()).map((a) => a.identity);
      if (leaders.length > 1) violations.push(`two leaders at a push: ${leaders.join(", ")}`);
      if (!leaders.includes(push.signer) && leaders.length > 0) violations.push(`${push.signer} pushed while ${leaders.join()} led`);
    };
  });

  async function startPair(timings: typeof STEADY): Promise<{ leader: TestAgent; standby: TestAgent }> {
    const election = (identity: string) => ({ enabled: true, namespace: "edge-ingress", name: "edge-ingress-sync-agent", identity, ...timings });
    agents = await Promise.all([
      startTestAgent(api, edge, { identity: "agent-1", token: "token-1", overrides: { leaderElection: election("agent-1") } }),
      startTestAgent(api, edge, { identity: "agent-2", token: "token-2", overrides: { leaderElection: election("agent-2") } }),
    ]);
    await waitFor("the first push", () => edge.pushes.length > 0);
    const leader = agents.find((a) => a.agent.isLeader());
    const standby = agents.find((a) => !a.agent.isLeader());
    if (leader === undefined || standby === undefined) throw new Error("expected one leader and one standby");
    return { leader, standby };
  }

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
  const pushedHost = (host: string, timeoutMs = 30_000) =>
    waitFor(host, () => edge.latest()?.hosts.some((h) => h.host === host), timeoutMs);
  /** Signers in push order, runs collapsed: ["agent-1", "agent-2"] means one handover and no interleaving. */
  const signerRuns = () => edge.pushes.map((p) => p.signer).filter((s, i, all) => s !== all[i - 1]);

  test("exactly one is leader, and only it pushes", async () => {
    const { leader } = await startPair(STEADY);
    for (let i = 0; i < 3; i++) await pushedHost(change());
    expect(agents.filter((a) => a.agent.isLeader())).toEqual([leader]);
    expect(signerRuns()).toEqual([leader.identity]);
    expect(violations).toEqual([]);
  });

  test("when the leader loses the API server it stops pushing before the other takes over; never both", async () => {
    const { leader, standby } = await startPair(HANDOVER);
    // The leader can still reach the edge and still gets watch events on its open streams; only its Lease
    // renewals fail. Keep changing the cluster through the whole handover to tempt it.
    const leaderToken = leader.identity === "agent-1" ? "token-1" : "token-2";
    const heal = api.fail((r) => r.user === leaderToken && r.resource === "leases", 503, Number.POSITIVE_INFINITY);
    while (!standby.agent.isLeader()) {
      change();
      await new Promise((resolve) => setTimeout(resolve, 100)); // pacing the changes, not waiting for anything
    }
    await pushedHost(change());
    expect(edge.pushes.at(-1)?.signer).toBe(standby.identity);
    const healedAt = api.requests.length;
    heal();
    // The old leader back in touch: once it has read the Lease again, it must stay a standby.
    await waitFor("the old leader reading the Lease again", () => api.requests.slice(healedAt).some((r) => r.user === leaderToken && r.resource === "leases"));
    await pushedHost(change());
    expect(leader.agent.isLeader()).toBe(false);
    expect(signerRuns()).toEqual([leader.identity, standby.identity]);
    expect(violations).toEqual([]);
  });

  test("a leader that stops releases the Lease, and the other takes over at once and publishes", async () => {
    // A Lease that would take 20 s to run out: a takeover well before that can only come from the release.
    const { leader, standby } = await startPair(STEADY);
    const pushesBefore = edge.pushes.length;
    const stopped = performance.now();
    await leader.agent.stop();
    const lease = api.get("Lease", "edge-ingress", "edge-ingress-sync-agent") as { spec?: { holderIdentity?: string } };
    expect(lease.spec?.holderIdentity ?? "").toBe("");
    await waitFor("the standby's first push", () => edge.pushes.length > pushesBefore && edge.pushes.at(-1)?.signer === standby.identity, STEADY.leaseDurationMs / 2);
    expect(performance.now() - stopped).toBeLessThan(STEADY.leaseDurationMs);
    expect(violations).toEqual([]);
  });
});
