import type { Cloudflare } from "cloudflare";
import type { TableNode } from "../../core/table/schema.ts";
import { silentLogger, type Logger } from "../observe/logger.ts";
import { type CloudflareApiError, type CloudflareErrorCode, toCloudflareApiError } from "./cloudflare-api-error.ts";
import { nodesWithoutRecords, splitAroundPublish } from "./node-dns-order.ts";
import { type DnsConflict, type DnsStep, type ExistingRecord, type NameChange, planNodeDns, type RecordSpec } from "./node-dns-plan.ts";
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

/** What {@link NodeDnsReconciler.prepare} found: the Nodes to hold out of the table, and whether to try again. */
export interface NodeDnsReadiness {
  /** Node name → why its record is not in place. Held out of the published table until it is. */
  readonly withheld: ReadonlyMap<string, string>;
  /** Null when nothing was looked at (the Nodes have not changed). */
  readonly report: NodeDnsReport | null;
  /** Set when something failed (a step, or the listing): call again later. */
  readonly error: NodeDnsError | null;
}

const NOTHING_WITHHELD: ReadonlyMap<string, string> = new Map();

/**
 * The shell around {@link planNodeDns}, in two phases around a publish (see node-dns-order.ts): `prepare` lists
 * the records under the node domain, plans, and makes the records the table's Nodes need, answering which Nodes
 * are still without one; `cleanUp`, once a table without the gone Nodes is published, deletes their records.
 * It only calls the API when the set of Nodes (name and address) differs from the last one brought in line, or
 * when the resync interval has passed; a failed run is forgotten, so the next call tries again.
 */
export class NodeDnsReconciler {
  private appliedKey: string | null = null;
  private appliedAt = Number.NEGATIVE_INFINITY;
  /** Removals planned by the last `prepare`, for `cleanUp`; with the Node set they were planned for. */
  private pending: { readonly key: string; readonly changes: readonly NameChange[]; readonly report: NodeDnsReport } | null = null;
  /** Record name → address of the records known to be in place: used when the zone cannot be listed. Null until listed once. */
  private inPlace: Map<string, string> | null = null;
  private readonly logger: Logger;
  private readonly nowMs: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: NodeDnsOptions) {
    this.logger = options.logger ?? silentLogger;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Before publishing a table with these `nodes`: creates and updates their records, and answers which Nodes
   * are still without one (hold them out of the table). Never throws for a failed step: the failure is in
   * `error` and the Node in `withheld`. Throws {@link NodeDnsError} only when the zone cannot be listed and no
   * earlier listing says which records exist. Calls are serialised.
   */
  prepare(nodes: readonly TableNode[]): Promise<NodeDnsReadiness> {
    return this.serialise(() => this.prepareNow(nodes));
  }

  /** After a table without the gone Nodes is published: deletes their records. Throws {@link NodeDnsError}. */
  cleanUp(): Promise<NodeDnsReport | null> {
    return this.serialise(() => this.cleanUpNow());
  }

  /**
   * Both phases at once, for callers with no table to order around. Returns null when nothing needed looking
   * at. Throws {@link NodeDnsError}.
   */
  async reconcile(nodes: readonly TableNode[]): Promise<NodeDnsReport | null> {
    const readiness = await this.prepare(nodes);
    if (readiness.error !== null) throw readiness.error;
    const cleaned = await this.cleanUp();
    return cleaned ?? readiness.report;
  }

  /** Forget what was applied: the next call looks at the zone whatever the Nodes. */
  invalidate(): void {
    this.appliedKey = null;
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async prepareNow(nodes: readonly TableNode[]): Promise<NodeDnsReadiness> {
    const key = nodeSetKey(nodes);
    const resyncMs = this.options.resyncIntervalMs ?? 10 * 60_000;
    if (key === this.appliedKey && this.nowMs() - this.appliedAt < resyncMs) return { withheld: NOTHING_WITHHELD, report: null, error: null };
    this.appliedKey = null;
    this.pending = null;

    let existing: ExistingRecord[];
    try {
      existing = await this.listRecords();
    } catch (error) {
      if (!(error instanceof NodeDnsError) || this.inPlace === null) throw error;
      // The records known from the last listing still resolve: only Nodes new since then are held out.
      const known = this.inPlace;
      const withheld = new Map<string, string>();
      for (const node of nodes) {
        const name = node.hostname?.toLowerCase();
        if (name === undefined || known.get(name) !== node.address) withheld.set(node.name, `DNS record ${name ?? "(none)"} not known to exist: ${error.message}`);
      }
      return { withheld, report: null, error };
    }
    const plan = planNodeDns({ nodes, nodeDomain: this.options.nodeDomain, ownerId: this.options.ownerId, existing, ttl: this.options.ttl ?? DEFAULT_NODE_TTL });
    for (const conflict of plan.conflicts) this.logger.log("warn", "node-dns-conflict", { ...conflict });
    for (const invalid of plan.invalid) this.logger.log("warn", "node-dns-invalid", { ...invalid });

    const { beforePublish, afterPublish } = splitAroundPublish(plan);
    const { counts, failures } = await this.apply(beforePublish);
    const failed = new Map(failures.map((failure) => [failure.name, `${failure.step} failed: ${failure.error.message}`]));
    const withheld = nodesWithoutRecords(plan, existing, failed);
    const report: NodeDnsReport = { ...counts, conflicts: plan.conflicts, invalid: plan.invalid };
    this.inPlace = new Map([...plan.desired].filter(([, want]) => !withheld.has(want.node)).map(([name, want]) => [name, want.address]));
    this.logApplied(counts, failures.length, plan.conflicts.length, withheld.size);
    if (failures.length > 0) return { withheld, report, error: stepsFailed(failures, report) };
    this.pending = { key, changes: afterPublish, report };
    if (afterPublish.length === 0) this.markApplied(key);
    return { withheld, report, error: null };
  }

  private async cleanUpNow(): Promise<NodeDnsReport | null> {
    const pending = this.pending;
    if (pending === null || pending.changes.length === 0) return null;
    const { counts, failures } = await this.apply(pending.changes);
    const report: NodeDnsReport = { created: pending.report.created, updated: pending.report.updated, deleted: pending.report.deleted + counts.deleted, conflicts: pending.report.conflicts, invalid: pending.report.invalid };
    this.logApplied(counts, failures.length, 0, 0);
    if (failures.length > 0) throw stepsFailed(failures, report);
    this.pending = null;
    this.markApplied(pending.key);
    return report;
  }

  private markApplied(key: string): void {
    this.appliedKey = key;
    this.appliedAt = this.nowMs();
  }

  private logApplied(counts: { created: number; updated: number; deleted: number }, failed: number, conflicts: number, withheld: number): void {
    if (counts.created + counts.updated + counts.deleted === 0 && failed === 0 && withheld === 0) return;
    this.logger.log(failed > 0 || withheld > 0 ? "warn" : "info", "node-dns-reconciled", { ...counts, conflicts, failed, withheld });
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
  private async apply(changes: readonly NameChange[]): Promise<{ counts: { created: number; updated: number; deleted: number }; failures: StepFailure[] }> {
    const counts = { created: 0, updated: 0, deleted: 0 };
    const failures: StepFailure[] = [];
    for (const change of changes) {
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

function stepsFailed(failures: readonly StepFailure[], report: NodeDnsReport): NodeDnsError {
  const summary = failures.map((f) => `${f.step} ${f.name}: ${f.error.message}`).join("; ");
  return new NodeDnsError(failures[0]?.error.code ?? "failed", `node DNS: ${failures.length} name(s) failed: ${summary}`, failures, report);
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
