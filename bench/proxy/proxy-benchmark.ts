import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Benchmark } from "../harness/benchmark.ts";
import { findTools, requireTool } from "../harness/check-tools.ts";
import { stopAllProcesses } from "../harness/child-processes.ts";
import { currentLoad } from "../harness/describe-machine.ts";
import { NODE_ADDRESSES, startBackends } from "../harness/start-backends.ts";
import { countInstructions } from "./count-instructions.ts";
import { measureCases } from "./measure-cases.ts";
import { prepareCases } from "./prepare-cases.ts";
import { profileCost } from "./profile-cost.ts";
import { parseProxyOptions } from "./proxy-options.ts";
import { reportProxy } from "./report-proxy.ts";
import { resolveWorker } from "./resolve-worker.ts";

const HOST = "bench.example";
const PLAIN_HOST = "plain.bench.example";
const COOKIE = "EDGE";
const NODE_NAMES = ["node-a", "node-b", "node-c"];

export const proxyBenchmark: Benchmark = {
  name: "proxy",
  summary: "requests/s and p50/p99 latency through our worker, a pass-through worker, HAProxy, and direct",
  run: async (args) => {
    const options = parseProxyOptions(args);
    const worker = await resolveWorker(options);
    const tools = findTools([
      { command: "wrk", install: "apt-get update && apt-get install -y wrk" },
      { command: "haproxy", install: "apt-get update && apt-get install -y haproxy" },
      ...(options.profileSeconds > 0 ? [{ command: "perf", install: "apt-get update && apt-get install -y linux-perf" }] : []),
      ...(options.instructionRequests > 0
        ? [
            { command: "valgrind", install: "apt-get update && apt-get install -y valgrind" },
            { command: "callgrind_control", install: "apt-get update && apt-get install -y valgrind" },
          ]
        : []),
    ]);
    const haproxyPath = requireTool(tools, "haproxy");
    const loadBefore = currentLoad();
    const workDirectory = await mkdtemp(join(tmpdir(), "edge-ingress-bench-proxy-"));
    try {
      console.log(`starting ${options.backendServer} backends on ${NODE_ADDRESSES.join(", ")} …`);
      const backends = await startBackends({ server: options.backendServer, haproxyPath });
      const nodes = backends.addresses.map((address, index) => ({ name: NODE_NAMES[index] ?? `node-${index}`, address }));
      const { ready, failed } = await prepareCases({ worker, backends, nodes, workDirectory, haproxyPath, cookieName: COOKIE, host: HOST, plainHost: PLAIN_HOST });
      const measurement = await measureCases(requireTool(tools, "wrk"), options, ready);
      const profiled = options.profileSeconds > 0 ? await profileCost(requireTool(tools, "perf"), requireTool(tools, "wrk"), options, ready, workDirectory) : null;
      // Last: it restarts the two workers under callgrind.
      const counted =
        options.instructionRequests > 0
          ? await countInstructions(
              { valgrind: requireTool(tools, "valgrind"), callgrindControl: requireTool(tools, "callgrind_control") },
              measurement.measured,
              options.instructionRequests,
              workDirectory,
            )
          : null;
      await reportProxy(options, worker, measurement.measured, [...failed, ...measurement.failed], loadBefore, profiled, counted);
    } finally {
      await stopAllProcesses();
      await rm(workDirectory, { recursive: true, force: true });
    }
  },
};
