import { Gauge, type Registry } from "prom-client";
import type { CompileResult } from "../../core/compile/compile-table.ts";
import { hashTableContent } from "../../core/table/hash-table.ts";
import { type Problem, ruleSource } from "../../core/table/schema.ts";
import type { BackoffPolicy } from "../loop/backoff.ts";
import { RerunAfterFailure } from "../loop/rerun-after-failure.ts";
import { silentLogger, type Logger } from "../observe/logger.ts";
import type { HostProblem } from "./host-attachments-plan.ts";
import { HostAttachmentsError, type HostAttachmentsReconciler, type HostAttachmentsReport } from "./host-attachments-reconciler.ts";
import { listServedHosts } from "./served-hosts.ts";

export interface HostAttachmentsHookOptions {
  readonly logger?: Logger;
  /** Asks the sync loop for another pass: a failed run is retried, new problems reach the Events. */
  readonly requestRerun: () => void;
  /** Version of the table the edge holds (the loop's last publish): hosts are detached only once it is the compiled one. */
  readonly publishedVersion: () => string | null;
  readonly registry?: Registry;
  readonly retry?: BackoffPolicy;
  readonly random?: () => number;
}

/**
 * `--manage-hosts` in the sync loop (its `afterCompile`, leader only, after the publish): the compiled table's
 * hosts go to the one {@link HostAttachmentsReconciler}, whatever made them (Ingresses today, any later source of
 * hosts the compiler learns). Attaching before the table names a host is harmless (the edge answers 404 for a
 * moment), so new hosts are attached on every pass; a host leaves only once the edge holds a table without it,
 * or requests the edge still routes would stop reaching it. Hosts that cannot be attached become Ingress
 * problems (Warning Events through the cluster writer) and the `edge_ingress_hosts{state}` gauge counts them.
 */
export class HostAttachmentsHook {
  private readonly rerun: RerunAfterFailure;
  private problemList: readonly Problem[] = [];
  private readonly gauge: Gauge<"state"> | null;

  constructor(private readonly reconciler: HostAttachmentsReconciler, private readonly options: HostAttachmentsHookOptions) {
    this.rerun = new RerunAfterFailure(options);
    this.gauge = options.registry === undefined
      ? null
      : new Gauge({ name: "edge_ingress_hosts", help: "Served hosts by attachment to the Worker (--manage-hosts): attached, failed.", labelNames: ["state"], registers: [options.registry] });
  }

  /** Ingress problems for the hosts that could not be attached: the cluster writer turns them into Warning Events. */
  problems(): readonly Problem[] {
    return this.problemList;
  }

  readonly afterCompile = async (result: CompileResult): Promise<void> => {
    const logger = this.options.logger ?? silentLogger;
    const published = this.options.publishedVersion();
    const detach = published !== null && published === await hashTableContent(result.content);
    let report: HostAttachmentsReport | null;
    let failed = false;
    try {
      report = await this.reconciler.reconcile(listServedHosts(result.content), { detach });
    } catch (error) {
      failed = true;
      report = error instanceof HostAttachmentsError ? error.report : null;
      logger.log("warn", "hosts-failed", { code: (error as { code?: string }).code, error });
    }
    if (report !== null) this.record(report);
    if (failed) this.rerun.failed();
    else this.rerun.succeeded();
  };

  stop(): void {
    this.rerun.stop();
  }

  private record(report: HostAttachmentsReport): void {
    this.gauge?.set({ state: "attached" }, report.attached.length);
    this.gauge?.set({ state: "failed" }, new Set(report.failed.map((f) => f.host)).size);
    const next = toProblems(report.failed);
    const changed = JSON.stringify(next) !== JSON.stringify(this.problemList);
    this.problemList = next;
    // The cluster writer ran before us in this pass: another pass brings the new problems to it.
    if (changed && next.length > 0) this.options.requestRerun();
  }
}

/** Each failed host as a problem of every object serving it: an Ingress, or a LoadBalancer Service of ours. */
function toProblems(failed: readonly HostProblem[]): Problem[] {
  return failed.flatMap((f) =>
    f.ingresses.map((source) => {
      const { kind, name } = ruleSource(source);
      return { kind, object: name, reason: `host ${f.host} is not attached to the edge: ${f.reason}` };
    }),
  );
}
