import type { ClusterState } from "../../core/compile/cluster-objects.ts";
import type { CompileOptions } from "../../core/compile/compile-options.ts";
import { type CompileResult, compileTable } from "../../core/compile/compile-table.ts";
import { hashTableContent, serializeTable } from "../../core/table/hash-table.ts";
import { isFailedOpen, type RoutingTable } from "../../core/table/schema.ts";
import type { Logger } from "../observe/logger.ts";
import type { SyncMetrics } from "../observe/sync-metrics.ts";
import { describeUnreachableTargets } from "../push/edge-transport-report.ts";
import { PublishError, type PublishReceipt, type TablePublisher } from "../push/table-publisher.ts";
import { type BackoffPolicy, backoffDelay } from "./backoff.ts";
import type { ClusterSource } from "./cluster-source.ts";
import { listHealthChecks } from "../../core/health/list-health-checks.ts";
import type { HealthSource } from "./health-source.ts";
import type { Leadership } from "./leadership.ts";
import type { TargetGate } from "./target-gate.ts";

/** Work done with each compiled table besides publishing it (Ingress status, Events). Leader only. */
export type AfterCompile = (result: CompileResult, cluster: ClusterState) => Promise<void>;

export interface SyncLoopOptions {
  readonly source: ClusterSource;
  readonly compileOptions: CompileOptions;
  readonly health: HealthSource;
  readonly publisher: TablePublisher;
  readonly leadership: Leadership;
  readonly logger: Logger;
  readonly metrics?: SyncMetrics;
  readonly afterCompile?: AfterCompile;
  /** Leader only: what must exist before a table naming a Node is published (DNS records), and the cleanup after. */
  readonly targetGate?: TargetGate;
  /** Milliseconds since the epoch: the generation of published tables. */
  readonly now?: () => number;
  /** How long after the first change the loop runs, collecting the rest of a burst. At most 250 ms. */
  readonly debounceMs?: number;
  /** Workers KV takes one write per second per key. */
  readonly minPublishIntervalMs?: number;
  readonly retry?: BackoffPolicy;
  readonly random?: () => number;
}

export interface PublishedTable {
  readonly version: string;
  readonly generation: number;
}

const MAX_DEBOUNCE_MS = 250;

/**
 * The control loop, level-triggered as in external-dns: events only mark the state dirty; after a short
 * debounce the whole table is compiled from the caches by the pure compiler, sealed, and published only when
 * its content hash differs from the last one published. A burst of events is one compile and one push; a
 * failed push is retried with backoff by running the loop again, so a retry always carries the newest table.
 */
export class SyncLoop {
  private readonly debounceMs: number;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private running = false;
  private rerun = false;
  private stopped = true;
  private dirtySince: number | null = null;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private gateFailures = 0;
  private withheld = "";
  private compiledVersion: string | null = null;
  private knownProblems = new Set<string>();
  private published: PublishedTable | null = null;
  private lastGeneration = 0;
  private removeHealthListener: () => void = () => {};
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SyncLoopOptions) {
    this.debounceMs = Math.min(MAX_DEBOUNCE_MS, Math.max(0, options.debounceMs ?? 100));
    this.minIntervalMs = options.minPublishIntervalMs ?? 1000;
    this.now = options.now ?? Date.now;
    options.source.onChange(() => this.markDirty());
    options.leadership.onChange((leader) => {
      options.metrics?.leader.set(leader ? 1 : 0);
      // A new leader cannot know what the edge holds: publish its table once, whatever the hash.
      if (leader) this.published = null;
      this.markDirty();
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.removeHealthListener = this.options.health.onChange(() => this.markDirty());
    this.options.metrics?.leader.set(this.options.leadership.isLeader() ? 1 : 0);
    this.markDirty();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.removeHealthListener();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** Something changed: run within the debounce. Cheap; call it for every event. */
  markDirty(): void {
    this.dirtySince ??= performance.now();
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(this.debounceMs);
  }

  /** The last table this replica published, if any. */
  lastPublished(): PublishedTable | null {
    return this.published;
  }

  /** Why the agent is not ready yet (empty when it is): the hook for the /readyz endpoint. */
  notReadyReasons(): string[] {
    const reasons = [...this.options.source.problems()];
    if (!this.options.source.synced()) reasons.push("cluster not synced yet");
    else if (this.compiledVersion === null) reasons.push("no table compiled yet");
    return reasons;
  }

  /** Resolves when no run is pending or in progress. */
  idle(): Promise<void> {
    if (!this.running && this.timer === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const due = performance.now() + delayMs;
    if (this.timer !== undefined && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Number.POSITIVE_INFINITY;
      void this.run();
    }, delayMs);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      // A timer (a gate's or a push's retry, the publish interval) fell due during a slow pass: keep it as a rerun,
      // or the Node it waits for stays out of the table until the cluster happens to change.
      this.rerun = true;
      return;
    }
    this.running = true;
    this.rerun = false;
    try {
      await this.reconcile();
    } catch (error) {
      // The compiler is total and writers catch their own errors; this is a bug, but the loop must live on.
      this.options.logger.log("error", "sync-loop-failed", { error });
      this.schedule(backoffDelay(this.retryPolicy(), this.failures++, this.options.random));
    } finally {
      this.running = false;
      if (this.rerun) this.schedule(this.debounceMs);
      if (this.timer === undefined) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  private async reconcile(): Promise<void> {
    const { source, logger, metrics } = this.options;
    if (!source.synced()) return; // the source marks us dirty once it has listed everything
    const since = this.dirtySince;
    this.dirtySince = null;
    const cluster = source.snapshot();
    const compileOptions = { ...this.options.compileOptions, unhealthy: this.options.health.unhealthy() };
    const result = compileTable(cluster, compileOptions);
    const version = await hashTableContent(result.content);
    metrics?.compiles.inc();
    metrics?.problems.set(result.content.problems.length);
    metrics?.backendsFailedOpen.set(result.content.backends.filter(isFailedOpen).length);
    const verdicts = [...result.verdicts.values()];
    metrics?.ignoredAnnotations.set(verdicts.reduce((sum, verdict) => sum + verdict.ignored.length, 0));
    metrics?.refusedIngresses.set(verdicts.filter((verdict) => verdict.refusals.length > 0).length);
    this.options.health.setChecks(listHealthChecks(result.content, result.probeAddresses, result.kubeProxyHealthPort));
    if (version !== this.compiledVersion) {
      logger.log("info", "table-compiled", {
        version,
        hosts: result.content.hosts.length,
        backends: result.content.backends.length,
        nodes: result.content.nodes.length,
        problems: result.content.problems.length,
      });
      this.compiledVersion = version;
      this.logNewProblems(result);
    }
    if (!this.options.leadership.isLeader()) return;
    const gated = await this.passGate(cluster, compileOptions, result, version, since);
    if (gated === null) return;
    await this.publishIfChanged(gated.result, gated.version, since);
    if (this.published?.version === gated.version) await this.cleanUpGate();
    await this.runAfterCompile(gated.result, cluster);
  }

  /**
   * Records first, then the table that needs them: the gate makes what the table's Nodes need; a Node it could
   * not make it for is held out of the table (a problem in it) and the gate is asked again after a backoff.
   * Null: the gate cannot tell which Nodes are ready, so nothing is published this pass.
   */
  private async passGate(cluster: ClusterState, options: CompileOptions, result: CompileResult, version: string, since: number | null): Promise<{ result: CompileResult; version: string } | null> {
    const gate = this.options.targetGate;
    if (gate === undefined) return { result, version };
    const { logger } = this.options;
    let readiness;
    try {
      readiness = await gate.prepare(result.content.nodes);
    } catch (error) {
      const delay = backoffDelay(this.retryPolicy(), this.gateFailures++, this.options.random);
      logger.log("warn", "table-waits-for-targets", { code: (error as { code?: string }).code ?? "failed", error, retryInMs: delay });
      this.keepDirty(since);
      this.schedule(delay);
      return null;
    }
    if (readiness.retry) this.schedule(backoffDelay(this.retryPolicy(), this.gateFailures++, this.options.random));
    else this.gateFailures = 0;
    const withheld = [...readiness.withheld].map(([node, why]) => `${node}: ${why}`).sort();
    if (withheld.join("\n") !== this.withheld) {
      if (withheld.length > 0) logger.log("warn", "nodes-held-out", { nodes: withheld.length, reasons: withheld });
      else if (this.withheld !== "") logger.log("info", "nodes-held-out", { nodes: 0, reasons: [] });
      this.withheld = withheld.join("\n");
    }
    if (readiness.withheld.size === 0) return { result, version };
    const held = compileTable(cluster, { ...options, withheldNodes: readiness.withheld });
    return { result: held, version: await hashTableContent(held.content) };
  }

  /** The table without the gone Nodes is at the edge: their records may go. A failure is retried by another pass. */
  private async cleanUpGate(): Promise<void> {
    const gate = this.options.targetGate;
    if (gate === undefined) return;
    try {
      await gate.cleanUp();
    } catch (error) {
      const delay = backoffDelay(this.retryPolicy(), this.gateFailures++, this.options.random);
      this.options.logger.log("warn", "target-cleanup-failed", { code: (error as { code?: string }).code ?? "failed", error, retryInMs: delay });
      this.schedule(delay);
    }
  }

  private async publishIfChanged(result: CompileResult, version: string, since: number | null): Promise<void> {
    if (this.published?.version === version) return;
    const wait = this.lastAttemptAt + this.minIntervalMs - performance.now();
    if (wait > 0) {
      this.keepDirty(since);
      this.schedule(wait);
      return;
    }
    const generation = Math.max(Math.trunc(this.now()), this.lastGeneration + 1);
    const table: RoutingTable = { ...result.content, version, generation };
    const { publisher, logger, metrics } = this.options;
    // Leadership can lapse while compiling; the check right before the write is the one that counts.
    if (!this.options.leadership.isLeader()) return;
    this.lastAttemptAt = performance.now();
    const started = performance.now();
    let receipt: PublishReceipt | void;
    try {
      receipt = await publisher.publish(table, serializeTable(table));
    } catch (error) {
      const code = error instanceof PublishError ? error.code : "failed";
      // A destination that says how long to wait (KV's 429 Retry-After) is not asked again sooner.
      const retryAfterMs = error instanceof PublishError ? error.retryAfterMs ?? 0 : 0;
      const delay = Math.max(backoffDelay(this.retryPolicy(), this.failures, this.options.random), retryAfterMs);
      this.failures += 1;
      metrics?.pushes.inc({ result: "error", code });
      logger.log("warn", "table-push-failed", { version, generation, code, error, attempt: this.failures, retryInMs: delay, destination: publisher.destination });
      this.keepDirty(since);
      this.schedule(delay);
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    this.failures = 0;
    this.lastGeneration = generation;
    this.published = { version, generation };
    metrics?.pushes.inc({ result: "ok", code: "" });
    metrics?.pushDuration.observe(seconds);
    metrics?.lastPushedGeneration.set(generation);
    metrics?.lastPushTimestamp.set(Date.now() / 1000);
    metrics?.lastPushedVersion.reset();
    metrics?.lastPushedVersion.set({ version }, 1);
    const convergenceMs = since === null ? null : Math.round(performance.now() - since);
    if (convergenceMs !== null) metrics?.convergence.observe(convergenceMs / 1000);
    logger.log("info", "table-pushed", { version, generation, durationMs: Math.round(seconds * 1000), convergenceMs, destination: publisher.destination });
    this.reportEdgeTransport(receipt, version);
  }

  /** The edge said whether its transport reaches the table's targets: a table it cannot reach fails every request. */
  private reportEdgeTransport(receipt: PublishReceipt | void, version: string): void {
    const report = receipt?.edgeTransport;
    if (report === undefined) return;
    this.options.metrics?.edgeUnreachableTargets.set(report.unreachableTargets);
    const message = describeUnreachableTargets(report);
    if (message !== null) {
      this.options.logger.log("error", "edge-cannot-reach-targets", { version, transport: report.name, unreachableTargets: report.unreachableTargets, code: report.code ?? null, message });
    }
  }

  private async runAfterCompile(result: CompileResult, cluster: ClusterState): Promise<void> {
    if (this.options.afterCompile === undefined) return;
    try {
      await this.options.afterCompile(result, cluster);
    } catch (error) {
      this.options.logger.log("warn", "cluster-write-failed", { error });
    }
  }

  /** Each problem once, when it first appears (the leader also reports Ingress problems as Events). */
  private logNewProblems(result: CompileResult): void {
    const now = new Set<string>();
    for (const problem of result.content.problems) {
      const id = `${problem.kind}\u0000${problem.object}\u0000${problem.reason}`;
      now.add(id);
      if (!this.knownProblems.has(id)) this.options.logger.log("warn", "table-problem", { kind: problem.kind, object: problem.object, reason: problem.reason });
    }
    this.knownProblems = now;
  }

  private keepDirty(since: number | null): void {
    if (since !== null) this.dirtySince = Math.min(this.dirtySince ?? since, since);
  }

  private retryPolicy(): BackoffPolicy {
    return this.options.retry ?? { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };
  }
}
