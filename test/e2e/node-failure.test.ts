import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { downOf, type RoutingTable } from "../../core/table/schema.ts";
import { canBind } from "../../sync-agent/local/local-ports.ts";
import { waitFor } from "../sync-agent/support/wait-for.ts";
import { CookieJar } from "./support/cookie-jar.ts";
import { type E2eDemo, getThroughEdge, STACK_START_TIMEOUT_MS, startE2eDemo } from "./support/e2e-demo.ts";
import { listGroupMembers } from "./support/process-groups.ts";
import { startSteadyGets } from "./support/steady-gets.ts";

// A Node dying under load, on the whole local edge. One stack for the file; its last test stops it.
let demo: E2eDemo;

beforeAll(async () => {
  demo = await startE2eDemo();
  await waitFor("the first table served", async () => demo.stack.published() !== null && (await getThroughEdge(demo, { host: "shop.example.test", path: "/" })).status === 200, 20_000);
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await demo?.stop();
}, 30_000);

/** Whether every backend that would send traffic to `node` has it marked down. */
function takenOut(table: RoutingTable, node: string): boolean {
  return table.backends.every((backend) => {
    const listed = backend.targets === "all-nodes" || backend.targets.some((target) => target.node === node);
    return !listed || downOf(backend).includes(node);
  });
}

function listsDown(table: RoutingTable, node: string): boolean {
  return table.backends.some((backend) => downOf(backend).includes(node));
}

describe("a Node dies under load", () => {
  test("GETs keep being answered, the agent takes the Node out (times printed; the failover benchmark holds the goal), and revival brings it back", async () => {
    const { intervalMs, fall, rise } = demo.stack.health;
    // A returning shopper: pinned by its cookie to the Node that is about to die.
    const jar = new CookieJar();
    const pinned = (await getThroughEdge(demo, { host: "shop.example.test", path: "/cart", jar })).echo?.node;
    if (pinned === undefined) throw new Error("the cart did not answer");
    const cookieBefore = jar.get("shop-cart");
    const statusBefore = await demo.stack.readStatus();

    const browsing = startSteadyGets(demo, { host: "shop.example.test", path: "/" }, 3);
    const shopping = startSteadyGets(demo, { host: "shop.example.test", path: "/cart" }, 1, jar);
    const answered = (gets: typeof browsing) => [...gets.byNode.values()].reduce((sum, count) => sum + count, 0);
    await waitFor("both kinds of client answered", () => answered(browsing) >= 3 && answered(shopping) >= 1);

    const killedAt = Date.now();
    await demo.stack.killNode(pinned);
    const firstDown = await waitFor("the agent to mark the dead Node down", () => {
      const published = demo.stack.published();
      return published !== null && published.at >= killedAt && listsDown(published.table, pinned) ? published : false;
    }, 15_000);
    const dropped = await waitFor("the agent to take the dead Node out of every backend", () => {
      const published = demo.stack.published();
      return published !== null && published.at >= killedAt && takenOut(published.table, pinned) ? published : false;
    }, 15_000);
    // How fast is the failover benchmark's to say (npm run bench -- failover); a loaded machine only slows this.
    // Detection takes `fall` failed checks, the first up to one interval after the death; then the debounce and
    // the push. Each nodePort is checked on its own, so the Node may leave one backend a push before the others.
    console.log(`node killed: first marked down after ${firstDown.at - killedAt} ms, out of every backend after ${dropped.at - killedAt} ms (checks every ${intervalMs} ms, fall ${fall})`);
    expect(firstDown.at).toBeLessThanOrEqual(dropped.at);
    const answeredAtTakedown = answered(browsing);
    const statusDown = await waitFor("the edge to load that table", async () => {
      const status = await demo.stack.readStatus();
      return status.table?.version === dropped.table.version ? status : false;
    });
    const servedBy = dropped.table.backends.filter((backend) => backend.targets === "all-nodes" || backend.targets.some((target) => target.node === pinned)).length;
    expect(statusDown.counts?.targets).toBe((statusBefore.counts?.targets ?? 0) - servedBy);

    // The shopper was moved to a living Node, with a new cookie.
    await waitFor("the shopper answered by another Node", () => [...shopping.byNode.keys()].some((node) => node !== pinned));
    expect(jar.get("shop-cart")).not.toBe(cookieBefore);

    const revivedAt = Date.now();
    await demo.stack.reviveNode(pinned);
    const back = await waitFor("the agent to list the revived Node again", () => {
      const published = demo.stack.published();
      return published !== null && published.at >= revivedAt && !listsDown(published.table, pinned) ? published : false;
    }, 15_000);
    console.log(`node revived: listed again after ${back.at - revivedAt} ms (rise ${rise})`);
    const servedAgain = browsing.byNode.get(pinned) ?? 0;
    await waitFor("new clients to reach the revived Node", () => (browsing.byNode.get(pinned) ?? 0) > servedAgain);

    const [browsed, shopped] = await Promise.all([browsing.stop(), shopping.stop()]);
    expect(browsed.failures).toEqual([]);
    expect(shopped.failures).toEqual([]);
    // Clients kept being answered through the outage and after it, not just before it.
    expect(answered(browsing)).toBeGreaterThan(answeredAtTakedown);
    expect(browsed.requests).toBeGreaterThan(answeredAtTakedown);
  });
});

describe("stopping the local edge", () => {
  test("leaves no process and no bound port", async () => {
    const groups = demo.stack.processIds;
    expect(groups.length).toBe(2);
    // wrangler and the workerd processes it started, for each edge.
    expect((await listGroupMembers(groups)).map((member) => member.command)).toEqual(expect.arrayContaining(["node", "workerd"]));
    const ports = [
      { address: "127.0.0.1", port: Number(new URL(demo.stack.httpUrl).port) },
      { address: "127.0.0.1", port: Number(new URL(demo.stack.httpsUrl ?? "").port) },
      ...[...demo.stack.nodes.values()].map((node) => ({ address: node.address, port: node.port })),
    ];
    expect(ports.length).toBe(2 + 3 * 5); // two edges; three Nodes × (the demo's four served nodePorts + kube-proxy's health port)
    for (const { address, port } of ports) expect(await canBind(address, port), `${address}:${port} in use while running`).toBe(false);

    await demo.stop();

    expect(await listGroupMembers(groups)).toEqual([]);
    for (const { address, port } of ports) expect(await canBind(address, port), `${address}:${port} still bound`).toBe(true);
  }, 30_000);
});
