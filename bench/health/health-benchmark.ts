import { fileURLToPath } from "node:url";
import { listHealthChecks } from "../../core/health/list-health-checks.ts";
import type { Backend, TableNode } from "../../core/table/schema.ts";
import { createHealthChecker } from "../../sync-agent/health/health-checker.ts";
import { defaultHealthSettings } from "../../sync-agent/health/health-settings.ts";
import { probeTarget } from "../../sync-agent/health/probe-target.ts";
import type { Benchmark } from "../harness/benchmark.ts";
import { startProcess, type StartedProcess } from "../harness/child-processes.ts";
import { currentLoad, describeMachine, warnIfBusy } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { writeResults } from "../harness/write-results.ts";

const listenerScript = fileURLToPath(new URL("./node-listeners.ts", import.meta.url));

/** Issue 18, part 3's sizes: Services × Nodes. */
const SIZES = [{ services: 100, nodes: 10 }, { services: 1_000, nodes: 100 }] as const;
const SCHEMES = ["per-pair", "per-node"] as const;
type Scheme = (typeof SCHEMES)[number];
/** Nodes' nodePorts, below Linux's ephemeral range; kube-proxy's real health port. */
const FIRST_NODE_PORT = 20_000;
const KUBE_PROXY_PORT = 10_256;
/** A child process holds at most this many listeners (the machine allows 20,000 open files per process). */
const LISTENERS_PER_CHILD = 15_000;

interface HealthCase {
  readonly services: number;
  readonly nodes: number;
  readonly scheme: Scheme;
  /** Distinct checks the agent runs. */
  readonly checks: number;
  /** checks / interval: what the scheme asks for at the default interval. */
  readonly demandedPerSecond: number;
  readonly probesPerSecond: number;
  readonly failures: number;
  /** The agent process's CPU (user + system) over the window, in % of one core. */
  readonly agentCpuPercent: number;
  readonly cpuMicrosecondsPerProbe: number;
  /**
   * Seconds from the start until every check had been probed once; null when that took longer than the window.
   * Above the interval, the checks fall behind: a dead Node is noticed late.
   */
  readonly firstRoundSeconds: number | null;
}

/**
 * Probes per second and agent CPU of the agent's own health checker (sync-agent/health, defaults: 5 s interval,
 * 2 s timeout, concurrency 64) over the checks `listHealthChecks` makes for a table of S Cluster Services on N
 * Nodes: one TCP check per (Node, nodePort) — the per-pair scheme, `--kube-proxy-health-port off` — against one
 * `GET /healthz` per Node on kube-proxy's port, the default. Nodes are loopback addresses 127.0.20.1 onwards,
 * served by child processes, so that the agent's process measures only the agent.
 */
export const healthBenchmark: Benchmark = {
  name: "health",
  summary: "agent health checks: probes/s and CPU, per (Node, nodePort) pair vs one kube-proxy /healthz per Node",
  run: async (args) => {
    const seconds = readSeconds(args);
    const loadBefore = currentLoad();
    const cases: HealthCase[] = [];
    for (const size of SIZES) {
      const addresses = Array.from({ length: size.nodes }, (_, i) => `127.0.${20 + Math.floor(i / 250)}.${1 + (i % 250)}`);
      const nodePorts = Array.from({ length: size.services }, (_, i) => FIRST_NODE_PORT + i);
      const listeners = await startListeners(addresses, nodePorts);
      try {
        for (const scheme of SCHEMES) cases.push(await measure(size.services, addresses, nodePorts, scheme, seconds));
      } finally {
        await Promise.all(listeners.map((listener) => listener.stop()));
      }
    }
    await report(cases, seconds, loadBefore);
  },
};

function readSeconds(args: readonly string[]): number {
  const at = args.indexOf("--seconds");
  if (at < 0) {
    if (args.length > 0) throw new Error(`unknown options ${args.join(" ")}: the health benchmark takes --seconds N (the window per case, default 6)`);
    return 6;
  }
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value < 1 || value > 120) throw new Error("--seconds must be from 1 to 120");
  return value;
}

async function startListeners(addresses: readonly string[], nodePorts: readonly number[]): Promise<StartedProcess[]> {
  const perAddress = nodePorts.length + 1;
  const addressesPerChild = Math.max(1, Math.floor(LISTENERS_PER_CHILD / perAddress));
  const children: StartedProcess[] = [];
  try {
    for (let first = 0; first < addresses.length; first += addressesPerChild) {
      const plan = { addresses: addresses.slice(first, first + addressesPerChild), nodePorts, kubeProxyPort: KUBE_PROXY_PORT };
      children.push(startProcess(`nodes ${first}`, process.execPath, ["--import", "tsx", listenerScript, JSON.stringify(plan)]));
    }
    await Promise.all(children.map(waitUntilListening));
    return children;
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    throw error;
  }
}

function waitUntilListening(started: StartedProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const stdout = started.child.stdout;
    if (stdout === null) return reject(new Error("listeners: no stdout"));
    stdout.on("data", () => {
      if (started.output().includes('"listening"')) resolve();
    });
    void started.exited.then((code) => reject(new Error(`listeners exited (${String(code)}):\n${started.output()}`)));
  });
}

async function measure(services: number, addresses: readonly string[], nodePorts: readonly number[], scheme: Scheme, seconds: number): Promise<HealthCase> {
  const nodes: TableNode[] = addresses.map((address, i) => ({ name: `node-${i}`, address }));
  const backends: Backend[] = nodePorts.map((nodePort, i) => ({ id: `bench/svc-${i}:80`, nodePort, targets: "all-nodes" }));
  const checks = listHealthChecks({ nodes, backends }, new Map(), scheme === "per-node" ? KUBE_PROXY_PORT : null);
  let done = 0;
  let failures = 0;
  const probed = new Set<string>();
  let firstRoundAt: number | null = null;
  const checker = createHealthChecker({
    ...defaultHealthSettings,
    probe: async (check, signal) => {
      const result = await probeTarget(check, signal);
      done += 1;
      if (!result.ok) failures += 1;
      if (firstRoundAt === null) {
        probed.add(check.key);
        if (probed.size === checks.length) firstRoundAt = performance.now();
      }
      return result;
    },
  });
  checker.setChecks(checks);
  // The window starts with the first round, when every check is due at once, and spans at least one interval.
  const [cpuBefore, start] = [process.cpuUsage(), performance.now()];
  checker.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const [probes, failed, roundEnd] = [done, failures, firstRoundAt as number | null];
  await checker.stop();
  const cpuMicroseconds = cpu.user + cpu.system;
  const probesPerSecond = (probes * 1000) / elapsed;
  return {
    services,
    nodes: addresses.length,
    scheme,
    checks: checks.length,
    demandedPerSecond: checks.length / (defaultHealthSettings.intervalMs / 1000),
    probesPerSecond: Math.round(probesPerSecond),
    failures: failed,
    agentCpuPercent: Math.round((cpuMicroseconds / 1000 / elapsed) * 1000) / 10,
    cpuMicrosecondsPerProbe: probes === 0 ? 0 : Math.round(cpuMicroseconds / probes),
    firstRoundSeconds: roundEnd === null ? null : Math.round((roundEnd - start) / 10) / 100,
  };
}

async function report(cases: readonly HealthCase[], seconds: number, loadBefore: number): Promise<void> {
  const machine = describeMachine();
  console.log("");
  console.log(`health checks: the agent's checker with its defaults (interval ${defaultHealthSettings.intervalMs / 1000} s, timeout ${defaultHealthSettings.timeoutMs / 1000} s, concurrency ${defaultHealthSettings.concurrency}), ${seconds} s from the first round, loopback Nodes`);
  console.log(formatTable(
    ["Services × Nodes", "scheme", "checks", "demanded/s", "probes/s", "failures", "agent CPU %", "µs CPU/probe", "first round s"],
    cases.map((c) => [`${c.services} × ${c.nodes}`, c.scheme, c.checks, c.demandedPerSecond, c.probesPerSecond, c.failures, c.agentCpuPercent.toFixed(1), c.cpuMicrosecondsPerProbe, c.firstRoundSeconds === null ? `> ${seconds}` : c.firstRoundSeconds.toFixed(2)]),
  ));
  console.log(`first round s: until every check was probed once (all are due at the start); above ${defaultHealthSettings.intervalMs / 1000} s the checks fall behind the interval`);
  console.log("probes/s: over the whole window, first round included, so a scheme that keeps up shows demanded/s plus that burst spread over the window");
  const warning = warnIfBusy(loadBefore, machine);
  if (warning !== null) console.log(warning);
  console.log("");
  await writeResults("health", {
    measuredAt: new Date().toISOString(),
    machine: { ...machine, loadAverageBefore: loadBefore },
    settings: { ...defaultHealthSettings, windowSeconds: seconds, kubeProxyPort: KUBE_PROXY_PORT },
    cases,
  });
}
