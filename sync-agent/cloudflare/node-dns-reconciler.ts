import type { Cloudflare } from "cloudflare";
import type { TableNode } from "../../core/table/schema.ts";
import { silentLogger, type Logger } from "../observe/logger.ts";
import { type CloudflareApiError, type CloudflareErrorCode, toCloudflareApiError } from "./cloudflare-api-error.ts";
import { type DnsConflict, type DnsStep, type ExistingRecord, type NodeDnsPlan, planNodeDns, type RecordSpec } from "./node-dns-plan.ts";
import { type RateLimitRetryOptions, retryRateLimited } from "./retry-rate-limited.ts";

export interface NodeDnsOptions {
  readonly client: Cloudflare;
  readonly zoneId: string;
  /** `--node-domain`: every managed name is `<node>.<nodeDomain>`. */
  readonly nodeDomain: string;
  /** Names this agent (or its replicas) in the ownership records; another cluster's agent must use another. */
  readonly ownerId: string;
  /** Seconds; low so that a Node's new address spreads fast. */
  readonly ttl?: number;
  /** Even when the Nodes have not changed, look at the zone again after this long (repairs hand edits). */
  readonly resyncIntervalMs?: number;
  readonly retry?: RateLimitRetryOptions;
  readonly logger?: Logger;
  readonly nowMs?: () => number;
}

export interface NodeDnsReport {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly conflicts: readonly DnsConflict[];
  readonly invalid: readonly DnsConflict[];
}

export interface StepFailure {
  readonly name: string;
  readonly step: DnsStep["op"];
  readonly error: CloudflareApiError;
}

/** Node DNS could not be brought in line: the listing failed, or some names' steps did (the others were applied). */
export class NodeDnsError extends Error {
  constructor(readonly code: CloudflareErrorCode, message: string, readonly failures: readonly StepFailure[], readonly report: NodeDnsReport | null) {
    super(message);
    this.name = "NodeDnsError";
  }
}

export const DEFAULT_NODE_TTL = 60;
const LIST_PAGE_SIZE = 1000;

/**
 * The shell around {@link planNodeDns}: lists the records under the node domain, plans, applies. It only calls
 * the API when the set of Nodes (name and address) differs from the last one it brought in line, or when the
 * resync interval has passed; a failed run is forgotten, so the next call tries again.
 */
export class NodeDnsReconciler {
  private appliedKey: string | null = null;
  private appliedAt = Number.NEGATIVE_INFINITY;
  private readonly logger: Logger;
  private readonly nowMs: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: NodeDnsOptions) {
    this.logger = options.logger ?? silentLogger;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Brings the zone in line with `nodes` (the table's `nodes`). Returns null when nothing needed looking at.
   * Throws {@link NodeDnsError}. Calls are serialised.
   */
  reconcile(nodes: readonly TableNode[]): Promise<NodeDnsReport | null> {
    const run = this.queue.then(() => this.reconcileNow(nodes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Forget what was applied: the next call looks at the zone whatever the Nodes. */
  invalidate(): void {
    this.appliedKey = null;
  }

  private async reconcileNow(nodes: readonly TableNode[]): Promise<NodeDnsReport | null> {
    const key = nodeSetKey(nodes);
    const resyncMs = this.options.resyncIntervalMs ?? 10 * 60_000;
    if (key === this.appliedKey && this.nowMs() - this.appliedAt < resyncMs) return null;
    this.appliedKey = null;

    const existing = await this.listRecords();
    const plan = planNodeDns({ nodes, nodeDomain: this.options.nodeDomain, ownerId: this.options.ownerId, existing, ttl: this.options.ttl ?? DEFAULT_NODE_TTL });
    for (const conflict of plan.conflicts) this.logger.log("warn", "node-dns-conflict", { ...conflict });
    for (const invalid of plan.invalid) this.logger.log("warn", "node-dns-invalid", { ...invalid });

    const { counts, failures } = await this.apply(plan);
    const report: NodeDnsReport = { ...counts, conflicts: plan.conflicts, invalid: plan.invalid };
    if (counts.created + counts.updated + counts.deleted > 0 || failures.length > 0) {
      this.logger.log(failures.length > 0 ? "warn" : "info", "node-dns-reconciled", {
        created: counts.created,
        updated: counts.updated,
        deleted: counts.deleted,
        conflicts: plan.conflicts.length,
        failed: failures.length,
      });
    }
    if (failures.length > 0) {
      const first = failures[0]?.error;
      const summary = failures.map((f) => `${f.step} ${f.name}: ${f.error.message}`).join("; ");
      throw new NodeDnsError(first?.code ?? "failed", `node DNS: ${failures.length} name(s) failed: ${summary}`, failures, report);
    }
    this.appliedKey = key;
    this.appliedAt = this.nowMs();
    return report;
  }

  private async listRecords(): Promise<ExistingRecord[]> {
    const { client, zoneId, nodeDomain } = this.options;
    try {
      return await retryRateLimited(`list DNS records under ${nodeDomain}`, async () => {
        const records: ExistingRecord[] = [];
        let page = await client.dns.records.list({ zone_id: zoneId, name: { endswith: `.${nodeDomain}` }, per_page: LIST_PAGE_SIZE });
        for (;;) {
          for (const record of page.result) records.push({
            id: record.id,
            type: record.type,
            name: record.name,
            content: typeof record.content === "string" ? record.content : "",
            proxied: record.proxied === true,
            ttl: record.ttl,
          });
          if (isLastPage(page)) break;
          page = await page.getNextPage();
        }
        return records;
      }, this.options.retry);
    } catch (error) {
      const failed = toCloudflareApiError(error, `list DNS records under ${nodeDomain}`);
      throw new NodeDnsError(failed.code, `node DNS: ${failed.message}`, [], null);
    }
  }

  /** Each name's steps in order; a failed step skips the rest of that name's steps, never another name's. */
  private async apply(plan: NodeDnsPlan): Promise<{ counts: { created: number; updated: number; deleted: number }; failures: StepFailure[] }> {
    const counts = { created: 0, updated: 0, deleted: 0 };
    const failures: StepFailure[] = [];
    for (const change of plan.changes) {
      for (const step of change.steps) {
        try {
          await this.applyStep(step);
        } catch (error) {
          failures.push({ name: change.name, step: step.op, error: toCloudflareApiError(error, describeStep(step)) });
          break;
        }
        if (step.op === "create") counts.created += 1;
        else if (step.op === "update") counts.updated += 1;
        else counts.deleted += 1;
      }
    }
    return { counts, failures };
  }

  private async applyStep(step: DnsStep): Promise<void> {
    const { client, zoneId } = this.options;
    const action = describeStep(step);
    switch (step.op) {
      case "create":
        await retryRateLimited(action, () => client.dns.records.create({ zone_id: zoneId, ...body(step.record) }), this.options.retry);
        return;
      case "update":
        await retryRateLimited(action, () => client.dns.records.edit(step.id, { zone_id: zoneId, ...body(step.record) }), this.options.retry);
        return;
      case "delete":
        await retryRateLimited(action, () => client.dns.records.delete(step.record.id, { zone_id: zoneId }), this.options.retry);
        return;
    }
  }
}

function body(record: RecordSpec) {
  return record.type === "TXT"
    ? { type: "TXT" as const, name: record.name, content: record.content, ttl: record.ttl, comment: record.comment }
    : { type: record.type, name: record.name, content: record.content, proxied: false, ttl: record.ttl, comment: record.comment };
}

function describeStep(step: DnsStep): string {
  switch (step.op) {
    case "create":
      return `create ${step.record.type} record ${step.record.name}`;
    case "update":
      return `update ${step.record.type} record ${step.record.name}`;
    case "delete":
      return `delete ${step.record.type} record ${step.record.name}`;
  }
}

/**
 * The SDK's pager asks for one page past the end (it stops on an empty page); the v4 envelope's
 * `result_info.total_pages` says when to stop without that call.
 */
function isLastPage(page: { result: readonly unknown[]; result_info: { page?: number }; hasNextPage(): boolean }): boolean {
  const info = page.result_info as { page?: number; total_pages?: number };
  if (typeof info.page === "number" && typeof info.total_pages === "number") return info.page >= info.total_pages;
  return !page.hasNextPage();
}

/** Node name and address, sorted: what the records depend on. */
export function nodeSetKey(nodes: readonly TableNode[]): string {
  return nodes
    .map((node) => `${node.name}=${node.hostname ?? ""}=${node.address}`)
    .sort()
    .join("\n");
}
