import type { Cloudflare } from "cloudflare";
import type { CompileResult } from "../../core/compile/compile-table.ts";
import type { BackoffPolicy } from "../loop/backoff.ts";
import { RerunAfterFailure } from "../loop/rerun-after-failure.ts";
import { silentLogger, type Logger } from "../observe/logger.ts";
import type { TargetGate } from "../loop/target-gate.ts";
import type { TablePublisher } from "../push/table-publisher.ts";
import { toCloudflareApiError } from "./cloudflare-api-error.ts";
import { createCloudflareClient } from "./cloudflare-client.ts";
import type { CloudflareConfig } from "./cloudflare-flags.ts";
import { CustomCertificatesReconciler } from "./custom-certificates-reconciler.ts";
import { HostAttachmentsReconciler } from "./host-attachments-reconciler.ts";
import { KvPublisher } from "./kv-publisher.ts";
import { NodeDnsReconciler } from "./node-dns-reconciler.ts";
import { retryRateLimited } from "./retry-rate-limited.ts";
import type { TlsSecret } from "./tls-secret.ts";

export interface CloudflareParts {
  readonly client: Cloudflare | null;
  /** The Workers KV publisher with `--publish kv`; null with `--publish edge` (the sync command builds the EdgePublisher). */
  readonly publisher: TablePublisher | null;
  /** With `--manage-dns`. */
  readonly nodeDns: NodeDnsReconciler | null;
  /** With `--upload-certificates`. */
  readonly certificates: CustomCertificatesReconciler | null;
  /** With `--manage-hosts`. */
  readonly hosts: HostAttachmentsReconciler | null;
}

export interface BuildCloudflareOptions {
  readonly logger?: Logger;
  /** Tests: a fetch of their own. (`config.api.baseUrl` points the client at a fake server.) */
  readonly fetch?: typeof fetch;
}

/** The Cloudflare side of `sync`, from a checked config: one SDK client shared by the publisher and the reconcilers. */
export function buildCloudflare(config: CloudflareConfig, options: BuildCloudflareOptions = {}): CloudflareParts {
  if (config.api === null) return { client: null, publisher: null, nodeDns: null, certificates: null, hosts: null };
  const logger = options.logger ?? silentLogger;
  const client = createCloudflareClient({
    apiToken: config.api.token,
    ...(config.api.baseUrl === undefined ? {} : { baseUrl: config.api.baseUrl }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const onRetry = (what: string) => (error: { message: string }, waitMs: number, attempt: number) =>
    logger.log("info", "cloudflare-rate-limited", { what, waitMs, attempt, error: error.message });
  return {
    client,
    publisher: config.kv === null ? null : new KvPublisher({ client, ...config.kv, retry: { onRetry: onRetry("kv") } }),
    nodeDns: config.dns === null ? null : new NodeDnsReconciler({ client, ...config.dns, logger: logger.child({ part: "node-dns" }), retry: { onRetry: onRetry("dns") } }),
    certificates: config.certificates === null
      ? null
      : new CustomCertificatesReconciler({ client, ...config.certificates, logger: logger.child({ part: "certificates" }), retry: { onRetry: onRetry("certificates") } }),
    hosts: config.hosts === null
      ? null
      : new HostAttachmentsReconciler({ client, ...config.hosts, logger: logger.child({ part: "hosts" }), retry: { onRetry: onRetry("hosts") } }),
  };
}

/**
 * Start-up checks against the API, so that a wrong token, id or domain stops the agent with every problem
 * listed instead of failing on the first write: the zone is readable and holds the node domain; its DNS
 * records (node records, and the certificates' ownership records) and custom certificates can be listed when
 * they are used; the KV namespace is readable. A token lacking a permission is caught here; one that may read
 * but not edit, or a plan without custom certificates, only shows on the first write. Returns the problems
 * (empty: all good).
 */
export async function checkCloudflareAccess(config: CloudflareConfig, parts: CloudflareParts): Promise<string[]> {
  const client = parts.client;
  if (client === null) return [];
  const problems: string[] = [];
  const zoneId = config.dns?.zoneId ?? config.certificates?.zoneId;
  if (zoneId !== undefined) {
    try {
      const zone = await retryRateLimited(`read zone ${zoneId}`, () => client.zones.get({ zone_id: zoneId }));
      const domain = config.dns?.nodeDomain;
      if (domain !== undefined && domain !== zone.name && !domain.endsWith(`.${zone.name}`)) {
        problems.push(`--node-domain ${domain} is not in the zone ${zone.name} (--cloudflare-zone-id ${zoneId})`);
      }
      const can = async (what: string, permission: string, call: () => Promise<unknown>): Promise<void> => {
        try {
          await retryRateLimited(what, call);
        } catch (error) {
          problems.push(`--cloudflare-zone-id ${zoneId}: ${toCloudflareApiError(error, what).message} (the token needs ${permission})`);
        }
      };
      // Both features keep ownership records in the zone's DNS.
      await can(`list DNS records of ${zone.name}`, "Zone DNS Edit", () => client.dns.records.list({ zone_id: zoneId, per_page: 5 }));
      if (config.certificates !== null) {
        await can(`list custom certificates of ${zone.name}`, "Zone SSL and Certificates Edit", () => client.customCertificates.list({ zone_id: zoneId, per_page: 5 }));
      }
    } catch (error) {
      problems.push(`--cloudflare-zone-id ${zoneId}: ${toCloudflareApiError(error, "cannot read the zone").message}`);
    }
  }
  if (config.hosts !== null) problems.push(...await checkHostsAccess(client, config.hosts));
  if (config.kv !== null) {
    const { accountId, namespaceId } = config.kv;
    try {
      await retryRateLimited(`read KV namespace ${namespaceId}`, () => client.kv.namespaces.get(namespaceId, { account_id: accountId }));
    } catch (error) {
      problems.push(`--kv-namespace-id ${namespaceId}: ${toCloudflareApiError(error, "cannot read the KV namespace").message}`);
    }
  }
  return problems;
}

/**
 * `--manage-hosts`: the Worker exists, its Custom Domains can be listed (Workers Scripts), the account's zones
 * can be listed (at least one) and their DNS records too (DNS, for the ownership records). Edit rights show
 * on the first write.
 */
async function checkHostsAccess(client: Cloudflare, hosts: NonNullable<CloudflareConfig["hosts"]>): Promise<string[]> {
  const { accountId, workerName } = hosts;
  const problems: string[] = [];
  const can = async <T>(flag: string, what: string, permission: string, call: () => Promise<T>): Promise<T | null> => {
    try {
      return await retryRateLimited(what, call);
    } catch (error) {
      const failed = toCloudflareApiError(error, what);
      const hint = failed.code === "unauthorized" ? ` (the token needs ${permission})` : "";
      problems.push(`${flag}: ${failed.message}${hint}`);
      return null;
    }
  };
  await can(`--worker-name ${workerName}`, `read the Worker ${workerName}`, "Account · Workers Scripts: Edit", () => client.workers.scripts.settings.get(workerName, { account_id: accountId }));
  await can(`--cloudflare-account-id ${accountId}`, "list Workers Custom Domains", "Account · Workers Scripts: Edit", () => client.workers.domains.list({ account_id: accountId }));
  const zones = await can(`--cloudflare-account-id ${accountId}`, "list the account's zones", "Zone · Zone: Read on the zones of the hosts", () => client.zones.list({ account: { id: accountId }, per_page: 5 }));
  const first = zones?.result[0];
  if (zones !== null && first === undefined) problems.push(`--cloudflare-account-id ${accountId}: the token reaches no zone of the account: hosts can only be attached in its zones (the token needs Zone · DNS: Edit on them)`);
  if (first !== undefined) {
    await can(`--manage-hosts`, `list DNS records of ${first.name}`, "Zone · DNS: Edit on the zones of the hosts", () => client.dns.records.list({ zone_id: first.id, per_page: 5 }));
  }
  return problems;
}

export interface ReconcileHookOptions {
  readonly logger?: Logger;
  /** Asks the sync loop for another pass (its `markDirty`): how a failed reconcile is retried in a quiet cluster. */
  readonly requestRerun: () => void;
  readonly retry?: BackoffPolicy;
  readonly random?: () => number;
}

/**
 * Node DNS as the sync loop's target gate: a Node's record is made before any published table names it (a
 * Node without one is held out of the table until it has one), and a gone Node's record is deleted only once a
 * table without it is published.
 */
export function nodeDnsGate(reconciler: NodeDnsReconciler, logger: Logger = silentLogger): TargetGate {
  return {
    async prepare(nodes) {
      const readiness = await reconciler.prepare(nodes);
      if (readiness.error !== null) logger.log("warn", "node-dns-failed", { code: readiness.error.code, error: readiness.error });
      return { withheld: readiness.withheld, retry: readiness.error !== null };
    },
    async cleanUp() {
      await reconciler.cleanUp();
    },
  };
}

/**
 * Runs the certificates reconciler after each compile (the sync loop's `afterCompile`, leader only; node DNS is
 * the loop's target gate instead, see {@link nodeDnsGate}). Failures are logged
 * and retried with backoff by asking the loop for another pass; they never stop the table from being served.
 * TLS Secrets are the agent's to read: hand the latest set to `setTlsSecrets`.
 */
export class CloudflareReconcileHook {
  private readonly rerun: RerunAfterFailure;
  /** Null until the agent has read the Secrets once: an empty set would delete every certificate we own. */
  private secrets: readonly TlsSecret[] | null = null;

  constructor(private readonly parts: CloudflareParts, private readonly options: ReconcileHookOptions) {
    this.rerun = new RerunAfterFailure(options);
  }

  setTlsSecrets(secrets: readonly TlsSecret[]): void {
    this.secrets = secrets;
  }

  readonly afterCompile = async (_result: CompileResult): Promise<void> => {
    const logger = this.options.logger ?? silentLogger;
    let failed = false;
    if (this.parts.certificates !== null && this.secrets !== null) {
      try {
        await this.parts.certificates.reconcile(this.secrets);
      } catch (error) {
        failed = true;
        logger.log("warn", "certificates-failed", { code: (error as { code?: string }).code, error });
      }
    }
    if (failed) this.rerun.failed();
    else this.rerun.succeeded();
  };

  stop(): void {
    this.rerun.stop();
  }
}
