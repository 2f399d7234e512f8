import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Agent } from "node:http";
import type { PublishedLocally } from "../../sync-agent/local/local-stack.ts";
import { requestLocal } from "../../sync-agent/local/local-request.ts";
import type { LocalEdge } from "../harness/start-local-edge.ts";
import type { ConvergenceOptions } from "./convergence-options.ts";
import { PROBE_FILE, probeHost, probeIngress } from "./probe-ingress.ts";

export interface ConvergenceSample {
  readonly change: number;
  /** Edit written → the first request for the new route answered by its backend. */
  readonly servedMs: number;
  /** Edit written → every edge accepted the agent's push of the new table. */
  readonly pushedMs: number;
  /** Requests for the new route before one was served. */
  readonly probes: number;
}

const GIVE_UP_MS = 30_000;

/** Times `options.changes` manifest edits, one after another, each from a quiet agent. */
export async function measureConvergence(edge: LocalEdge, options: ConvergenceOptions, onSample: (sample: ConvergenceSample) => void): Promise<ConvergenceSample[]> {
  const file = join(edge.manifests, PROBE_FILE);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await writeFile(file, probeIngress(0));
    await waitUntilServed(edge, agent, probeHost(0), 0, GIVE_UP_MS);
    const samples: ConvergenceSample[] = [];
    for (let change = 1; change <= options.changes; change++) {
      await waitForQuietAgent(edge, options.quietMs);
      const host = probeHost(change);
      const wallStart = Date.now();
      const start = performance.now();
      await writeFile(file, probeIngress(change));
      const probes = await waitUntilServed(edge, agent, host, options.probeEveryMs, GIVE_UP_MS);
      const servedMs = performance.now() - start;
      // The edge that answered may serve the table before the other edge has taken its push: wait for both, so
      // that the next change starts from a quiet agent.
      const published = await waitUntilPublished(edge, host, GIVE_UP_MS);
      const sample = { change, servedMs: round(servedMs), pushedMs: published.at - wallStart, probes };
      samples.push(sample);
      onSample(sample);
    }
    return samples;
  } finally {
    agent.destroy();
  }
}

async function waitUntilPublished(edge: LocalEdge, host: string, giveUpMs: number): Promise<PublishedLocally> {
  const deadline = performance.now() + giveUpMs;
  for (;;) {
    const published = edge.stack.published();
    if (published !== null && published.table.hosts.some((entry) => entry.host === host)) return published;
    if (performance.now() > deadline) throw new Error(`no table with ${host} was pushed to every edge within ${giveUpMs} ms:\n${edge.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function waitForQuietAgent(edge: LocalEdge, quietMs: number): Promise<void> {
  for (;;) {
    const last = edge.stack.published()?.at ?? 0;
    const wait = last + quietMs - Date.now();
    if (wait <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Requests the host until its backend answers; returns how many requests it took. */
async function waitUntilServed(edge: LocalEdge, agent: Agent, host: string, pauseMs: number, giveUpMs: number): Promise<number> {
  const deadline = performance.now() + giveUpMs;
  let probes = 0;
  for (;;) {
    probes++;
    const answer = await requestLocal(`${edge.stack.httpUrl}/`, { host, agent });
    if (answer.status === 200 && answer.headers["x-demo-node"] !== undefined) return probes;
    if (performance.now() > deadline) throw new Error(`${host} was not served within ${giveUpMs} ms (last answer ${answer.status}):\n${edge.logs()}`);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
