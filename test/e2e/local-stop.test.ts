import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { canBind } from "../../sync-agent/local/local-ports.ts";
import { requestLocal } from "../../sync-agent/local/local-request.ts";
import { DEV_START_TIMEOUT_MS, type DevCli, startDevCli } from "./support/dev-cli.ts";

// `edge-ingress dev` as a user runs it, stopped at the moments and in the ways a user stops it. Each case starts
// two `wrangler dev` processes: a few cases, one after another, in one file.
const CASE_TIMEOUT_MS = 2 * DEV_START_TIMEOUT_MS;
const WRANGLER = /wrangler\.js dev/;
const WORKERD = /workerd serve/;
const RUNNING = "edge-ingress is running.";

let cli: DevCli | undefined;
afterEach(async () => {
  await cli?.dispose();
  cli = undefined;
});

async function start(options: { viaNpm?: boolean } = {}): Promise<DevCli> {
  cli = await startDevCli(options);
  return cli;
}

/**
 * It exited by itself (not killed by the signal), and left no process, no stray and no bound port behind; `seen`
 * says what must have been running when it was signalled, so that the check is not over nothing.
 */
async function expectCleanStop(run: DevCli, seen: { commands: readonly RegExp[]; edgePorts: readonly number[] }): Promise<void> {
  const exit = await run.exited;
  const left = await run.leftovers();
  expect({ exit, processes: left.processes, boundPorts: left.boundPorts }, run.output()).toEqual({ exit: { code: 0, signal: null }, processes: [], boundPorts: [] });
  expect(await canBind("127.0.0.1", run.httpPort)).toBe(true);
  expect(await canBind("127.0.0.1", run.httpsPort)).toBe(true);
  for (const command of seen.commands) expect(left.seen.commandLines.some((line) => command.test(line)), `a process matching ${command} was seen`).toBe(true);
  for (const port of seen.edgePorts) expect(left.seen.ports).toContain(`127.0.0.1:${port}`);
}

/** What runs once both edges have answered: wrangler and workerd, holding both edge ports. */
function wholeStack(run: DevCli): { commands: readonly RegExp[]; edgePorts: readonly number[] } {
  return { commands: [WRANGLER, WORKERD], edgePorts: [run.httpPort, run.httpsPort] };
}

function answers(url: string, host: string): Promise<boolean> {
  return requestLocal(url, { host, timeoutMs: 2_000 }).then((answer) => answer.status === 200 && answer.headers["x-demo-node"] !== undefined, () => false);
}

describe("stopping `edge-ingress dev` leaves no process and no bound port", () => {
  test("SIGINT to its process group right after it says it is starting", async () => {
    const run = await start();
    await run.waitForOutput("Starting the local edge");
    process.kill(-run.leader, "SIGINT");
    await expectCleanStop(run, { commands: [], edgePorts: [] });
  }, CASE_TIMEOUT_MS);

  test("SIGTERM to its process group right after it spawned wrangler, before anything answers", async () => {
    const run = await start();
    await run.waitForDescendant(WRANGLER);
    process.kill(-run.leader, "SIGTERM");
    await expectCleanStop(run, { commands: [WRANGLER], edgePorts: [] });
    expect(run.output()).not.toContain(RUNNING);
  }, CASE_TIMEOUT_MS);

  test("SIGTERM to the CLI alone the moment the edge first answers", async () => {
    const run = await start();
    const cliPid = await run.waitForCli();
    // Any answer: the agent may not have pushed a table yet, and the CLI is still starting.
    await run.waitWhileRunning("the http edge to answer", () => requestLocal(`http://127.0.0.1:${run.httpPort}/`, { timeoutMs: 2_000 }).then(() => true, () => false));
    process.kill(cliPid, "SIGTERM");
    await expectCleanStop(run, { commands: [WRANGLER, WORKERD], edgePorts: [run.httpPort] });
  }, CASE_TIMEOUT_MS);

  test("SIGTERM to the CLI while requests are in flight on both edges", async () => {
    const run = await start();
    await run.waitForOutput(RUNNING);
    let answered = 0;
    let sending = true;
    const loop = async (url: string, host: string): Promise<void> => {
      while (sending) if (await answers(url, host)) answered++;
    };
    const loops = [1, 2, 3, 4].flatMap(() => [loop(`http://127.0.0.1:${run.httpPort}/`, "blog.example.test"), loop(`https://127.0.0.1:${run.httpsPort}/`, "shop.example.test")]);
    await run.waitWhileRunning("20 answers from demo Nodes through the edges", () => answered >= 20);
    process.kill(await run.waitForCli(), "SIGTERM");
    await run.exited;
    sending = false;
    await Promise.all(loops);
    await expectCleanStop(run, wholeStack(run));
  }, CASE_TIMEOUT_MS);

  test("SIGINT twice, the second while it is stopping, once a manifest edit is served", async () => {
    const run = await start();
    await run.waitForOutput(RUNNING);
    const blog = join(run.manifests, "blog.yaml");
    await writeFile(blog, (await readFile(blog, "utf8")).replace("host: blog.example.test", "host: journal.example.test"));
    await run.waitWhileRunning("the edited host to be served", () => answers(`http://127.0.0.1:${run.httpPort}/`, "journal.example.test"));
    process.kill(-run.leader, "SIGINT");
    await run.waitForOutput("Stopping…");
    // The second signal escalates to SIGKILL of the children; it must not cut the CLI's own cleanup short.
    process.kill(-run.leader, "SIGINT");
    await expectCleanStop(run, wholeStack(run));
  }, CASE_TIMEOUT_MS);

  test("Ctrl-C under `npm start`: SIGINT to npm's whole process group, which npm forwards to the CLI once more", async () => {
    const run = await start({ viaNpm: true });
    await run.waitForOutput(RUNNING);
    process.kill(-run.leader, "SIGINT");
    await expectCleanStop(run, wholeStack(run));
  }, CASE_TIMEOUT_MS);
});
