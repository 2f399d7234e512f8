import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { failure } from "./envelope.ts";

export interface CustomCertificate {
  readonly id: string;
  readonly zone_id: string;
  readonly hosts: readonly string[];
  readonly issuer: string;
  readonly signature: string;
  readonly status: "active";
  readonly bundle_method: string;
  readonly type: string;
  readonly expires_on: string;
  readonly uploaded_on: string;
  readonly modified_on: string;
  readonly priority: number;
}

export interface CustomCertificateStoreOptions {
  /** The zone's plan allows custom certificates (Business and Enterprise). */
  readonly allowed: boolean;
  /** A PATCH gives the certificate a new id, as `sni_custom` replacements may. */
  readonly newIdOnReplace: boolean;
}

const MIN_VALIDITY_MS = 14 * 24 * 3600 * 1000;

/**
 * A zone's custom (uploaded) certificates, with the checks the API makes on upload: PEM that parses, a key that
 * belongs to the certificate, at least 14 days of validity left, and a host in the zone. Stored certificates show
 * only what the API shows (hosts, issuer, expiry) — no fingerprint — so clients must keep their own.
 * Error codes are the fake's own (1400s), not the real API's.
 */
export class CustomCertificateStore {
  private readonly certificates = new Map<string, CustomCertificate>();
  /** Fingerprint of each stored certificate, for tests only. */
  readonly fingerprints = new Map<string, string>();

  constructor(readonly zoneId: string, readonly zoneName: string, private readonly options: CustomCertificateStoreOptions, private readonly now: () => Date) {}

  all(): CustomCertificate[] {
    return [...this.certificates.values()].sort((a, b) => a.uploaded_on.localeCompare(b.uploaded_on) || a.id.localeCompare(b.id));
  }

  get(id: string): CustomCertificate {
    const certificate = this.certificates.get(id);
    if (certificate === undefined) throw failure(404, 1404, "Certificate not found.");
    return certificate;
  }

  create(input: unknown): CustomCertificate {
    this.checkAllowed();
    const body = readBody(input, true);
    const parsed = this.parse(body.certificate ?? "", body.private_key ?? "");
    if ([...this.fingerprints.values()].includes(parsed.fingerprint)) throw failure(400, 1409, "This certificate has already been uploaded.");
    const stamp = this.now().toISOString();
    const certificate: CustomCertificate = {
      id: randomBytes(16).toString("hex"),
      zone_id: this.zoneId,
      ...parsed.fields,
      status: "active",
      bundle_method: body.bundle_method ?? "ubiquitous",
      type: body.type ?? "legacy_custom",
      uploaded_on: stamp,
      modified_on: stamp,
      priority: 0,
    };
    this.certificates.set(certificate.id, certificate);
    this.fingerprints.set(certificate.id, parsed.fingerprint);
    return certificate;
  }

  replace(id: string, input: unknown): CustomCertificate {
    this.checkAllowed();
    const existing = this.get(id);
    const body = readBody(input, false);
    if (body.certificate === undefined || body.private_key === undefined) {
      // Only bundle_method/geo changes: nothing to check.
      const changed = { ...existing, bundle_method: body.bundle_method ?? existing.bundle_method, modified_on: this.now().toISOString() };
      this.certificates.set(id, changed);
      return changed;
    }
    const parsed = this.parse(body.certificate, body.private_key);
    const newId = this.options.newIdOnReplace ? randomBytes(16).toString("hex") : id;
    const replaced: CustomCertificate = {
      ...existing,
      ...parsed.fields,
      id: newId,
      bundle_method: body.bundle_method ?? existing.bundle_method,
      modified_on: this.now().toISOString(),
    };
    this.certificates.delete(id);
    this.fingerprints.delete(id);
    this.certificates.set(newId, replaced);
    this.fingerprints.set(newId, parsed.fingerprint);
    return replaced;
  }

  delete(id: string): { id: string } {
    this.checkAllowed();
    this.get(id);
    this.certificates.delete(id);
    this.fingerprints.delete(id);
    return { id };
  }

  private checkAllowed(): void {
    if (!this.options.allowed) throw failure(403, 1403, "Custom certificates are not available on this zone's plan.");
  }

  private parse(certificatePem: string, keyPem: string): { fingerprint: string; fields: Pick<CustomCertificate, "hosts" | "issuer" | "signature" | "expires_on"> } {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certificatePem);
    } catch {
      throw failure(400, 1401, "The certificate could not be parsed.");
    }
    try {
      if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) throw new Error("mismatch");
    } catch {
      throw failure(400, 1402, "The private key does not match the certificate, or could not be parsed.");
    }
    const expires = new Date(certificate.validTo);
    if (expires.getTime() - this.now().getTime() < MIN_VALIDITY_MS) throw failure(400, 1405, "The certificate expires within 14 days.");
    const hosts = (certificate.subjectAltName ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry.startsWith("DNS:"))
      .map((entry) => entry.slice(4).toLowerCase());
    const inZone = (host: string): boolean => host === this.zoneName || host.endsWith(`.${this.zoneName}`);
    if (!hosts.some(inZone)) throw failure(400, 1406, `The certificate has no host in the zone ${this.zoneName}.`);
    return {
      fingerprint: certificate.fingerprint256,
      fields: {
        hosts,
        issuer: certificate.issuer.replace(/\n/g, ", "),
        signature: certificate.publicKey.asymmetricKeyType === "ec" ? "ECDSAWithSHA256" : "SHA256WithRSA",
        expires_on: expires.toISOString(),
      },
    };
  }
}

function readBody(input: unknown, required: boolean): { certificate?: string; private_key?: string; bundle_method?: string; type?: string } {
  if (typeof input !== "object" || input === null) throw failure(400, 1400, "Request body is invalid.");
  const { certificate, private_key, bundle_method, type } = input as Record<string, unknown>;
  if (required && (typeof certificate !== "string" || typeof private_key !== "string")) throw failure(400, 1400, "certificate and private_key are required.");
  for (const [name, value] of Object.entries({ certificate, private_key, bundle_method, type })) {
    if (value !== undefined && typeof value !== "string") throw failure(400, 1400, `${name} must be a string.`);
  }
  return input as { certificate?: string; private_key?: string; bundle_method?: string; type?: string };
}
