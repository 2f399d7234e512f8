import { describe, expect, test } from "vitest";
import { startManagedProcess } from "../../../sync-agent/local/child-process.ts";
import { killEveryChild, stopEveryChild } from "../../../sync-agent/local/child-registry.ts";
import { listGroupMembers } from "../../e2e/support/process-groups.ts";
import { waitFor } from "../support/wait-for.ts";

/** A shell that starts two sleeping children and waits: a process with a tree of its own, as wrangler has. */
const TREE = ["-c", "sleep 300 & sleep 300 & wait"];

async function waitForMembers(pid: number | undefined, count: number): Promise<number> {
  if (pid === undefined) throw new Error("not started");
  await waitFor(`${count} processes in group ${pid}`, async () => (await listGroupMembers([pid])).length >= count);
  return pid;
}

describe("a managed process", () => {
  test("stop() ends its whole process group, grandchildren included, and resolves once the group is gone", async () => {
    const tree = startManagedProcess("tree", "sh", TREE);
    const group = await waitForMembers(tree.child.pid, 3);
    const stopping = tree.stop();
    expect(tree.stop()).toBe(stopping);
    await stopping;
    expect(await listGroupMembers([group])).toEqual([]);
  });

  test("what it started is ended even when it exited first (wrangler's workerd outliving wrangler)", async () => {
    const parent = startManagedProcess("parent", "sh", ["-c", "sleep 300 & echo started"]);
    await parent.exited;
    const group = await waitForMembers(parent.child.pid, 1);
    // The background child is `sh` until it has exec'd sleep, which may come after its parent's exit.
    await waitFor("the orphan running sleep", async () => (await listGroupMembers([group])).map((member) => member.command).join() === "sleep");
    await parent.stop();
    expect(await listGroupMembers([group])).toEqual([]);
  });

  test("kill() ends a group that ignores SIGTERM at once, with SIGKILL", async () => {
    const stubborn = startManagedProcess("stubborn", "sh", ["-c", `trap "" TERM; ${TREE[1]}`]);
    const group = await waitForMembers(stubborn.child.pid, 3);
    stubborn.kill();
    expect(await stubborn.exited).toBe("SIGKILL");
    await waitFor("the group to be gone", async () => (await listGroupMembers([group])).length === 0);
  });
});

describe("the registry of children", () => {
  test("stopEveryChild stops every child started and not yet stopped, and is harmless twice", async () => {
    const children = [startManagedProcess("one", "sh", TREE), startManagedProcess("two", "sh", TREE)];
    const groups = await Promise.all(children.map((child) => waitForMembers(child.child.pid, 3)));
    await Promise.all([stopEveryChild(), stopEveryChild()]);
    expect(await listGroupMembers(groups)).toEqual([]);
  });

  test("killEveryChild (a second Ctrl-C) kills each registered group, SIGTERM ignored or not", async () => {
    const children = [startManagedProcess("plain", "sh", TREE), startManagedProcess("stubborn", "sh", ["-c", `trap "" TERM; ${TREE[1]}`])];
    const groups = await Promise.all(children.map((child) => waitForMembers(child.child.pid, 3)));
    killEveryChild();
    expect(await Promise.all(children.map((child) => child.exited))).toEqual(["SIGKILL", "SIGKILL"]);
    await stopEveryChild();
    expect(await listGroupMembers(groups)).toEqual([]);
  });
});
