import type { Cloudflare } from "cloudflare";
import { silentLogger, type Logger } from "../observe/logger.ts";
import { type CloudflareApiError, type CloudflareErrorCode, toCloudflareApiError } from "./cloudflare-api-error.ts";
import { formatClaim, registryName, secretKey } from "./certificate-ownership.ts";
import { type CertificateStep, type ExistingCertificate, planCustomCertificates, type RegistryRecord } from "./custom-certificates-plan.ts";
import { type RateLimitRetryOptions, retryRateLimited } from "./retry-rate-limited.ts";
import { type CertificateProblem, type CheckedCertificate, checkTlsSecret, type TlsSecret } from "./tls-secret.ts";

export interface CustomCertificatesOptions {
  readonly client: Cloudflare;
  readonly zoneId: string;
  readonly ownerId: string;
  /** How Cloudflare builds the chain: `ubiquitous` (default) suits publicly trusted certificates. */
  readonly bundleMethod?: "ubiquitous" | "optimal" | "force";
  /** `sni_custom` (default, "modern") or `legacy_custom`. */
  readonly type?: "sni_custom" | "legacy_custom";
  readonly resyncIntervalMs?: number;
  readonly retry?: RateLimitRetryOptions;
  readonly logger?: Logger;
  readonly nowMs?: () => number;
}

export interface CustomCertificatesReport {
  readonly uploaded: number;
  readonly replaced: number;
  readonly removed: number;
  readonly problems: readonly CertificateProblem[];
}

export interface CertificateFailure {
  readonly secret: string;
  readonly step: CertificateStep["op"];
  readonly error: CloudflareApiError;
}

export class CustomCertificatesError extends Error {
  constructor(readonly code: CloudflareErrorCode, message: string, readonly failures: readonly CertificateFailure[], readonly report: CustomCertificatesReport | null) {
    super(message);
    this.name = "CustomCertificatesError";
  }
}

const CERTIFICATE_PAGE_SIZE = 50;

/**
 * Uploads the certificates of Ingress TLS Secrets as zone custom certificates (Business and Enterprise plans),
 * replaces one in place when its Secret's certificate changes, and deletes those it uploaded that no Secret
 * needs any more. Ownership and fingerprints live in TXT records (see certificate-ownership.ts). Calls the API
 * only when the Secrets' certificates changed or the resync interval passed.
 */
export class CustomCertificatesReconciler {
  private zoneName: string | null = null;
  private appliedKey: string | null = null;
  private appliedAt = Number.NEGATIVE_INFINITY;
  private readonly logger: Logger;
  private readonly nowMs: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CustomCertificatesOptions) {
    this.logger = options.logger ?? silentLogger;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Brings the zone's certificates in line with `secrets`; null when nothing needed looking at. Throws {@link CustomCertificatesError}. */
  reconcile(secrets: readonly TlsSecret[]): Promise<CustomCertificatesReport | null> {
    const run = this.queue.then(() => this.reconcileNow(secrets));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reconcileNow(secrets: readonly TlsSecret[]): Promise<CustomCertificatesReport | null> {
    const checked: CheckedCertificate[] = [];
    const problems: CertificateProblem[] = [];
    for (const secret of secrets) {
      const result = checkTlsSecret(secret, this.nowMs());
      if (!result.ok) problems.push(result.problem);
      else {
        checked.push(result.certificate);
        if (result.certificate.uncovered.length > 0) {
          problems.push({ secret: secret.id, reason: `the certificate does not cover ${result.certificate.uncovered.join(", ")}` });
        }
      }
    }
    const key = [...checked.map((c) => `${c.secret}=${c.fingerprint}`)].sort().join("\n");
    if (key === this.appliedKey && this.nowMs() - this.appliedAt < (this.options.resyncIntervalMs ?? 10 * 60_000)) return null;
    this.appliedKey = null;

    let zoneName: string;
    let registry: RegistryRecord[];
    let certificates: ExistingCertificate[];
    try {
      zoneName = await this.zone();
      [registry, certificates] = await Promise.all([this.listRegistry(zoneName), this.listCertificates()]);
    } catch (error) {
      const failed = toCloudflareApiError(error, "read custom certificates");
      throw new CustomCertificatesError(failed.code, `custom certificates: ${failed.message}`, [], null);
    }
    const plan = planCustomCertificates({ desired: checked, registry, certificates, ownerId: this.options.ownerId, zoneName });
    problems.push(...plan.problems);
    for (const problem of problems) this.logger.log("warn", "certificate-problem", { ...problem });

    const counts = { uploaded: 0, replaced: 0, removed: 0 };
    const failures: CertificateFailure[] = [];
    for (const step of plan.steps) {
      const secret = step.op === "remove" ? `(secret ${step.claim.secret})` : step.certificate.secret;
      try {
        await this.apply(step, zoneName);
      } catch (error) {
        failures.push({ secret, step: step.op, error: toCloudflareApiError(error, `${step.op} certificate for ${secret}`) });
        continue;
      }
      if (step.op === "upload") counts.uploaded += 1;
      else if (step.op === "replace") counts.replaced += 1;
      else counts.removed += 1;
    }
    const report: CustomCertificatesReport = { ...counts, problems };
    if (plan.steps.length > 0) this.logger.log(failures.length > 0 ? "warn" : "info", "certificates-reconciled", { ...counts, failed: failures.length, problems: problems.length });
    if (failures.length > 0) {
      const summary = failures.map((f) => f.error.message).join("; ");
      throw new CustomCertificatesError(failures[0]?.error.code ?? "failed", `custom certificates: ${failures.length} failed: ${summary}`, failures, report);
    }
    this.appliedKey = key;
    this.appliedAt = this.nowMs();
    return report;
  }

  private async apply(step: CertificateStep, zoneName: string): Promise<void> {
    const { client, zoneId, ownerId, retry } = this.options;
    const bundle_method = this.options.bundleMethod ?? "ubiquitous";
    const claimContent = (certificate: CheckedCertificate, certificateId: string) =>
      formatClaim({ owner: ownerId, secret: secretKey(certificate.secret), certificateId, fingerprint: certificate.fingerprint });
    switch (step.op) {
      case "upload": {
        const created = await retryRateLimited(`upload certificate for ${step.certificate.secret}`, () =>
          client.customCertificates.create({
            zone_id: zoneId,
            certificate: step.certificate.certPem,
            private_key: step.certificate.keyPem,
            bundle_method,
            type: this.options.type ?? "sni_custom",
          }), retry);
        await this.writeClaim(step.claim?.recordId ?? null, zoneName, claimContent(step.certificate, created.id));
        return;
      }
      case "replace": {
        const replaced = await retryRateLimited(`replace certificate for ${step.certificate.secret}`, () =>
          client.customCertificates.edit(step.claim.certificateId, {
            zone_id: zoneId,
            certificate: step.certificate.certPem,
            private_key: step.certificate.keyPem,
            bundle_method,
          }), retry);
        // An sni_custom replacement may come back under a new id.
        await this.writeClaim(step.claim.recordId, zoneName, claimContent(step.certificate, replaced.id));
        return;
      }
      case "remove": {
        if (step.certificateExists) {
          try {
            await retryRateLimited(`delete certificate ${step.claim.certificateId}`, () => client.customCertificates.delete(step.claim.certificateId, { zone_id: zoneId }), retry);
          } catch (error) {
            if (toCloudflareApiError(error, "delete").code !== "not-found") throw error;
          }
        }
        await retryRateLimited(`delete certificate claim ${step.claim.recordId}`, () => client.dns.records.delete(step.claim.recordId, { zone_id: zoneId }), retry);
        return;
      }
    }
  }

  private async writeClaim(recordId: string | null, zoneName: string, content: string): Promise<void> {
    const { client, zoneId, retry } = this.options;
    const record = { zone_id: zoneId, type: "TXT" as const, name: registryName(zoneName), content, ttl: 3600, comment: "edge-ingress certificate ownership" };
    if (recordId === null) await retryRateLimited("record certificate claim", () => client.dns.records.create(record), retry);
    else await retryRateLimited("update certificate claim", () => client.dns.records.edit(recordId, record), retry);
  }

  private async zone(): Promise<string> {
    if (this.zoneName === null) {
      const zone = await retryRateLimited("read zone", () => this.options.client.zones.get({ zone_id: this.options.zoneId }), this.options.retry);
      this.zoneName = zone.name;
    }
    return this.zoneName;
  }

  private async listRegistry(zoneName: string): Promise<RegistryRecord[]> {
    const { client, zoneId, retry } = this.options;
    return retryRateLimited("list certificate claims", async () => {
      const records: RegistryRecord[] = [];
      for await (const record of client.dns.records.list({ zone_id: zoneId, type: "TXT", name: { exact: registryName(zoneName) }, per_page: 1000 })) {
        records.push({ id: record.id, content: typeof record.content === "string" ? record.content : "" });
      }
      return records;
    }, retry);
  }

  private async listCertificates(): Promise<ExistingCertificate[]> {
    const { client, zoneId, retry } = this.options;
    return retryRateLimited("list custom certificates", async () => {
      const certificates: ExistingCertificate[] = [];
      for await (const certificate of client.customCertificates.list({ zone_id: zoneId, per_page: CERTIFICATE_PAGE_SIZE })) {
        certificates.push({ id: certificate.id, hosts: certificate.hosts ?? [] });
      }
      return certificates;
    }, retry);
  }
}
