import type { Cloudflare } from "cloudflare";
import { silentLogger, type Logger } from "../observe/logger.ts";
import { type CloudflareApiError, type CloudflareErrorCode, hasApiError, toCloudflareApiError } from "./cloudflare-api-error.ts";
import {
  describeHostStep,
  type ExistingDomain,
  type ExistingRoute,
  type ExistingZoneRecord,
  type HostChange,
  type HostProblem,
  type HostStep,
  planHostAttachments,
  WILDCARD_RECORD,
} from "./host-attachments-plan.ts";
import { claimedHost, HOST_CLAIM_PREFIX } from "./host-ownership.ts";
import { findZone, type ZoneRef } from "./host-zones.ts";
import { type RateLimitRetryOptions, retryRateLimited, sleep } from "./retry-rate-limited.ts";
import type { ServedHost } from "./served-hosts.ts";

export interface HostAttachmentsOptions {
  readonly client: Cloudflare;
  readonly accountId: string;
  /** The Worker's script name (wrangler.toml `name`): what Custom Domains and routes point at. */
  readonly workerName: string;
  readonly ownerId: string;
  /** Plan and log, write nothing. */
  readonly dryRun?: boolean;
  /** Even when the hosts have not changed, look again after this long (repairs hand edits, retries problems). */
  readonly resyncIntervalMs?: number;
  /** At least this long between two API calls: Cloudflare allows 1,200 calls per 5 minutes per user (4/s). */
  readonly minCallIntervalMs?: number;
  readonly retry?: RateLimitRetryOptions;
  readonly logger?: Logger;
  readonly nowMs?: () => number;
}

export interface HostAttachmentsReport {
  /** Served hosts that reach the Worker after this run (dry run: before it). */
  readonly attached: readonly string[];
  /** Served hosts that could not be attached, and why: problems of the plan and failed steps. */
  readonly failed: readonly HostProblem[];
  /** The changes planned (applied, unless a dry run). */
  readonly changes: readonly HostChange[];
  readonly dryRun: boolean;
}

export class HostAttachmentsError extends Error {
  constructor(readonly code: CloudflareErrorCode, message: string, readonly report: HostAttachmentsReport | null) {
    super(message);
    this.name = "HostAttachmentsError";
  }
}

const DNS_PAGE_SIZE = 1000;
const ZONE_PAGE_SIZE = 50;

/**
 * The shell around {@link planHostAttachments}: reads the account's zones, its Custom Domains, and in each zone
 * the host claims (and where wildcards are involved, the Workers routes and wildcard records), plans, applies
 * each host's steps in order. Every run recomputes the plan from what exists, so a run cut short (a crash
 * between a claim and its attach) is finished by the next one. Calls the API only when the hosts changed or the
 * resync interval passed; calls are serialised and paced.
 */
export class HostAttachmentsReconciler {
  private appliedKey: string | null = null;
  private appliedAt = Number.NEGATIVE_INFINITY;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger: Logger;
  private readonly nowMs: () => number;

  constructor(private readonly options: HostAttachmentsOptions) {
    this.logger = options.logger ?? silentLogger;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Attaches every host of `desired`; with `detach`, detaches the hosts of ours no longer in it (give it only
   * once the edge holds a table without them). Null when nothing needed looking at. A failed step fails only its
   * host (in the report's `failed`); throws {@link HostAttachmentsError} when the account cannot be read, or
   * after applying the rest when some steps failed.
   */
  reconcile(desired: readonly ServedHost[], options: { readonly detach: boolean }): Promise<HostAttachmentsReport | null> {
    const run = this.queue.then(() => this.reconcileNow(desired, options.detach));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Forget what was applied: the next call reads the account whatever the hosts. */
  invalidate(): void {
    this.appliedKey = null;
  }

  private async reconcileNow(desired: readonly ServedHost[], detach: boolean): Promise<HostAttachmentsReport | null> {
    const key = `${detach}\n${desired.map((d) => `${d.host}=${d.ingresses.join(",")}`).join("\n")}`;
    if (key === this.appliedKey && this.nowMs() - this.appliedAt < (this.options.resyncIntervalMs ?? 10 * 60_000)) return null;
    this.appliedKey = null;

    let state: { zones: ZoneRef[]; domains: ExistingDomain[]; routes: ExistingRoute[]; records: ExistingZoneRecord[] };
    try {
      state = await this.readAccount(desired);
    } catch (error) {
      const failed = toCloudflareApiError(error, "read the account's hosts");
      throw new HostAttachmentsError(failed.code, `host attachments: ${failed.message}`, null);
    }
    const { ownerId, workerName } = this.options;
    const plan = planHostAttachments({ desired, ...state, ownerId, workerName, detach });
    const dryRun = this.options.dryRun === true;
    for (const problem of plan.problems) this.logger.log("warn", "host-not-attached", { ...problem });
    if (dryRun) {
      for (const change of plan.changes) this.logger.log("info", "hosts-plan", { host: change.host, kind: change.kind, zone: change.zone, steps: change.steps.map(describeHostStep) });
      this.markApplied(key);
      return { attached: plan.attached, failed: plan.problems, changes: plan.changes, dryRun };
    }

    const failures: { change: HostChange; error: CloudflareApiError }[] = [];
    for (const change of plan.changes) {
      for (const step of change.steps) {
        try {
          await this.apply(step);
        } catch (error) {
          failures.push({ change, error: toCloudflareApiError(error, describeHostStep(step)) });
          break;
        }
      }
    }
    const failedHosts = new Set(failures.map((f) => f.change.host));
    const ingressesOf = new Map(desired.map((d) => [d.host, d.ingresses]));
    const failed: HostProblem[] = [
      ...plan.problems,
      ...failures.filter((f) => f.change.kind === "attach").map((f) => ({ host: f.change.host, ingresses: ingressesOf.get(f.change.host) ?? [], reason: `${f.change.host} could not be attached: ${f.error.message}` })),
    ];
    const attached = [...plan.attached, ...plan.changes.filter((c) => c.kind === "attach" && !failedHosts.has(c.host) && ingressesOf.has(c.host)).map((c) => c.host)]
      .filter((host, index, all) => all.indexOf(host) === index)
      .sort();
    const report: HostAttachmentsReport = { attached, failed, changes: plan.changes, dryRun };
    const counts = { attach: plan.changes.filter((c) => c.kind === "attach").length, detach: plan.changes.filter((c) => c.kind === "detach").length };
    if (plan.changes.length > 0 || failed.length > 0) {
      this.logger.log(failed.length > 0 ? "warn" : "info", "hosts-reconciled", { ...counts, attached: attached.length, failed: failed.map((f) => f.host), kept: plan.kept });
    }
    if (failures.length > 0) {
      const summary = failures.map((f) => f.error.message).join("; ");
      throw new HostAttachmentsError(failures[0]?.error.code ?? "failed", `host attachments: ${failures.length} host(s) failed: ${summary}`, report);
    }
    this.markApplied(key);
    return report;
  }

  private markApplied(key: string): void {
    this.appliedKey = key;
    this.appliedAt = this.nowMs();
  }

  /** Paced, and retried on 429 as Retry-After says. */
  private async call<T>(action: string, work: () => Promise<T>): Promise<T> {
    const gap = this.options.minCallIntervalMs ?? 250;
    return retryRateLimited(action, async () => {
      const wait = this.lastCallAt + gap - this.nowMs();
      if (wait > 0) await (this.options.retry?.sleep ?? sleep)(wait);
      this.lastCallAt = this.nowMs();
      return work();
    }, this.options.retry);
  }

  private async readAccount(desired: readonly ServedHost[]) {
    const { client, accountId } = this.options;
    const zones = await this.call("list zones", async () => {
      const found: ZoneRef[] = [];
      let page = await client.zones.list({ account: { id: accountId }, per_page: ZONE_PAGE_SIZE });
      for (;;) {
        for (const zone of page.result) found.push({ id: zone.id, name: zone.name.toLowerCase() });
        if (isLastPage(page)) break;
        page = await page.getNextPage();
      }
      return found;
    });
    const domains = await this.call("list Workers Custom Domains", async () => {
      const found: ExistingDomain[] = [];
      for await (const domain of client.workers.domains.list({ account_id: accountId })) found.push({ id: domain.id, hostname: domain.hostname.toLowerCase(), service: domain.service });
      return found;
    });
    const records: ExistingZoneRecord[] = [];
    const wildcardZones = new Set<string>();
    for (const zone of zones) {
      const claims = await this.listRecords(zone, { type: "TXT", startswith: HOST_CLAIM_PREFIX });
      records.push(...claims);
      if (claims.some((r) => claimedHost(r.name.toLowerCase())?.startsWith("*.") === true)) wildcardZones.add(zone.id);
    }
    for (const served of desired) {
      if (!served.host.startsWith("*.")) continue;
      const zone = findZone(served.host, zones);
      if (zone !== null) wildcardZones.add(zone.id);
    }
    const routes: ExistingRoute[] = [];
    for (const zone of zones) {
      if (!wildcardZones.has(zone.id)) continue;
      records.push(...await this.listRecords(zone, { startswith: "*." }));
      const listed = await this.call(`list Workers routes of ${zone.name}`, async () => {
        const found: ExistingRoute[] = [];
        for await (const route of client.workers.routes.list({ zone_id: zone.id })) found.push({ id: route.id, zoneId: zone.id, pattern: route.pattern, script: route.script ?? null });
        return found;
      });
      routes.push(...listed);
    }
    return { zones, domains, routes, records };
  }

  private listRecords(zone: ZoneRef, filter: { readonly type?: "TXT"; readonly startswith: string }): Promise<ExistingZoneRecord[]> {
    const { client } = this.options;
    return this.call(`list DNS records ${filter.startswith}… of ${zone.name}`, async () => {
      const found: ExistingZoneRecord[] = [];
      let page = await client.dns.records.list({ zone_id: zone.id, ...(filter.type === undefined ? {} : { type: filter.type }), name: { startswith: filter.startswith }, per_page: DNS_PAGE_SIZE });
      for (;;) {
        for (const record of page.result) {
          found.push({ id: record.id, zoneId: zone.id, type: record.type, name: record.name, content: typeof record.content === "string" ? record.content : "", proxied: record.proxied === true });
        }
        if (isLastPage(page)) break;
        page = await page.getNextPage();
      }
      return found;
    });
  }

  private async apply(step: HostStep): Promise<void> {
    const { client, accountId, workerName, ownerId } = this.options;
    const action = describeHostStep(step);
    const comment = `managed by edge-ingress (owner ${ownerId})`;
    const tolerate = async (work: () => Promise<unknown>, code: CloudflareErrorCode | number): Promise<void> => {
      try {
        await this.call(action, work);
      } catch (error) {
        const failed = toCloudflareApiError(error, action);
        if (typeof code === "number" ? hasApiError(failed, code) : failed.code === code) return;
        throw failed;
      }
    };
    switch (step.op) {
      case "claim":
        // 81058: an identical record exists — the claim a lost answer hid is there already.
        return tolerate(() => client.dns.records.create({ zone_id: step.zoneId, type: "TXT", name: step.name, content: step.content, ttl: 1, comment }), 81058);
      case "attach-domain":
        await this.call(action, () => client.workers.domains.update({ account_id: accountId, hostname: step.hostname, service: workerName, zone_id: step.zoneId }));
        return;
      case "create-route":
        await this.call(action, () => client.workers.routes.create({ zone_id: step.zoneId, pattern: step.pattern, script: workerName }));
        return;
      case "create-record":
        return tolerate(() => client.dns.records.create({ zone_id: step.zoneId, type: WILDCARD_RECORD.type, name: step.name, content: WILDCARD_RECORD.content, proxied: true, ttl: 1, comment }), 81058);
      case "detach-domain":
        return tolerate(() => client.workers.domains.delete(step.domainId, { account_id: accountId }), "not-found");
      case "delete-route":
        return tolerate(() => client.workers.routes.delete(step.routeId, { zone_id: step.zoneId }), "not-found");
      case "delete-record":
      case "unclaim":
        return tolerate(() => client.dns.records.delete(step.recordId, { zone_id: step.zoneId }), "not-found");
    }
  }
}

/** As in node-dns-reconciler.ts: `result_info.total_pages` says when to stop, without asking for an empty page. */
function isLastPage(page: { result: readonly unknown[]; result_info: unknown; hasNextPage(): boolean }): boolean {
  const info = page.result_info as { page?: number; total_pages?: number } | undefined;
  if (typeof info?.page === "number" && typeof info.total_pages === "number") return info.page >= info.total_pages;
  return !page.hasNextPage();
}
