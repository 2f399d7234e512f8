/**
 * How many health checks one agent process completes per second against loopback targets, by kind and
 * concurrency; and how late checks start once demand exceeds that. Run: `npx tsx bench/health-checks.ts`.
 * Loopback only (127.0.0.2-4); figures are an upper bound for real networks, where latency, not CPU, limits.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Server } from "node:net";
import { cpus, loadavg } from "node:os";
import type { ActiveCheck } from "../core/health/list-health-checks.ts";
import { createHealthChecker } from "../sync-agent/health/health-checker.ts";
import { probeTarget } from "../sync-agent/health/probe-target.ts";

const ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
const PORTS_PER_ADDRESS = 100;
const MEASURE_MS = 4_000;

async function listen(server: Server, address: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, address, () => resolve()));
  const bound = server.address();
  return typeof bound === "object" && bound !== null ? bound.port : 0;
}

async function startTargets(kind: "tcp" | "http"): Promise<{ checks: ActiveCheck[]; close: () => Promise<void> }> {
  const servers: Server[] = [];
  const checks: ActiveCheck[] = [];
  for (const address of ADDRESSES) {
    for (let i = 0; i < PORTS_PER_ADDRESS; i += 1) {
      const server = kind === "tcp" ? createTcpServer((socket) => socket.end()) : createHttpServer((_req, res) => res.end("ok"));
      const port = await listen(server, address);
      servers.push(server);
      checks.push(kind === "tcp"
        ? { key: `tcp://${address}:${port}`, kind, address, port, nodes: [] }
        : { key: `http://${address}:${port}/healthz`, kind, address, port, path: "/healthz", scheme: "http", nodes: [] });
    }
  }
  return { checks, close: async () => { await Promise.all(servers.map((s) => new Promise((r) => s.close(r)))); } };
}

async function measure(kind: "tcp" | "http", concurrency: number): Promise<{ perSecond: number; failures: number; cpuPercent: number }> {
  const targets = await startTargets(kind);
  let done = 0;
  let failures = 0;
  // Demand far above capacity: every check due every 100 ms.
  const checker = createHealthChecker({
    intervalMs: 100,
    timeoutMs: 100,
    rise: 1,
    fall: 100,
    concurrency,
    probe: async (check, signal) => {
      const result = await probeTarget(check, signal);
      done += 1;
      if (!result.ok) failures += 1;
      return result;
    },
  });
  checker.setChecks(targets.checks);
  checker.start();
  await new Promise((r) => setTimeout(r, 1_000)); // warm-up
  const [doneBefore, cpuBefore, start] = [done, process.cpuUsage(), performance.now()];
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const perSecond = ((done - doneBefore) * 1000) / elapsed;
  await checker.stop();
  await targets.close();
  return { perSecond, failures, cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100 };
}

console.log(`health checks: ${ADDRESSES.length * PORTS_PER_ADDRESS} loopback targets, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)}`);
console.log("kind  concurrency  checks/s  failures  agent CPU (server in-process)");
for (const kind of ["tcp", "http"] as const) {
  for (const concurrency of [16, 64, 256]) {
    const r = await measure(kind, concurrency);
    console.log(`${kind.padEnd(5)} ${String(concurrency).padStart(11)} ${r.perSecond.toFixed(0).padStart(9)} ${String(r.failures).padStart(9)}  ${r.cpuPercent.toFixed(0)}%`);
  }
}
