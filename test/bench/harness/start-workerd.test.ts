import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stopAllProcesses } from "../../../bench/harness/child-processes.ts";
import { probeHttp } from "../../../bench/harness/probe-http.ts";
import { startBackends } from "../../../bench/harness/start-backends.ts";
import { startWorkerd } from "../../../bench/harness/start-workerd.ts";
import type { WorkerBinding } from "../../../bench/harness/workerd-config.ts";

// A bundle as wrangler would write it, small enough to write by hand: reads KV and a var, fetches a loopback URL.
const worker = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/kv") return new Response(String(await env.TABLE_KV.get("routing-table")) + " " + env.GREETING);
    return fetch(url.searchParams.get("to"));
  },
};
`;

const directory = await mkdtemp(join(tmpdir(), "bench-workerd-test-"));

afterAll(async () => {
  await stopAllProcesses();
  await rm(directory, { recursive: true, force: true });
});

/** The hand-written bundle above, served by workerd with these bindings. */
async function serveWorker(bindings: readonly WorkerBinding[]) {
  await writeFile(join(directory, "index.js"), worker);
  return startWorkerd({
    name: "workerd (test)",
    bundle: { directory, modules: ["index.js"] },
    compatibilityDate: "2024-09-23",
    compatibilityFlags: [],
    bindings,
  });
}

describe("startWorkerd", () => {
  it("serves a bundle whose KV binding reads files of a directory, with its text bindings", async () => {
    const kv = join(directory, "kv");
    await mkdir(kv, { recursive: true });
    await writeFile(join(kv, "routing-table"), '{"schema":1}');
    const running = await serveWorker([
      { kind: "kv-directory", name: "TABLE_KV", directory: kv },
      { kind: "text", name: "GREETING", value: "hello" },
    ]);
    const answer = await probeHttp(`${running.url}/kv`);
    expect(answer.body).toBe('{"schema":1} hello');
  });

  it("lets the worker's fetch reach backends on other loopback addresses", async () => {
    const backends = await startBackends({ server: "node", addresses: ["127.0.0.3"] });
    const running = await serveWorker([]);
    const answer = await probeHttp(`${running.url}/?to=${encodeURIComponent(`http://127.0.0.3:${backends.port}/x`)}`);
    expect(answer.body).toBe("node 127.0.0.3\n");
  });
});
