import { type CertificateClaim, parseClaim, secretKey } from "./certificate-ownership.ts";
import type { CertificateProblem, CheckedCertificate } from "./tls-secret.ts";

/** A TXT record at the registry name. */
export interface RegistryRecord {
  readonly id: string;
  readonly content: string;
}

export interface ExistingCertificate {
  readonly id: string;
  readonly hosts: readonly string[];
}

export interface OwnedClaim extends CertificateClaim {
  readonly recordId: string;
}

export type CertificateStep =
  /** Upload, then claim it: a new registry record, or `claim` rewritten when its certificate vanished. */
  | { readonly op: "upload"; readonly certificate: CheckedCertificate; readonly claim: OwnedClaim | null }
  /** The Secret's certificate changed: replace it in place (PATCH), then rewrite the claim. */
  | { readonly op: "replace"; readonly certificate: CheckedCertificate; readonly claim: OwnedClaim }
  /** No Secret needs it any more: delete the certificate (when still there), then the claim. */
  | { readonly op: "remove"; readonly claim: OwnedClaim; readonly certificateExists: boolean };

export interface CustomCertificatePlan {
  readonly steps: readonly CertificateStep[];
  /** Secrets left out: same certificate as another Secret, or no host in the zone. */
  readonly problems: readonly CertificateProblem[];
  /** Certificates in the zone that no claim of ours names: never touched. */
  readonly foreign: number;
}

export interface CustomCertificatePlanInput {
  readonly desired: readonly CheckedCertificate[];
  readonly registry: readonly RegistryRecord[];
  readonly certificates: readonly ExistingCertificate[];
  readonly ownerId: string;
  readonly zoneName: string;
}

/**
 * Which uploads, replacements and removals bring the zone's custom certificates in line with the Ingress
 * Secrets: matched through our claims by Secret, compared by fingerprint. Pure.
 */
export function planCustomCertificates(input: CustomCertificatePlanInput): CustomCertificatePlan {
  const { ownerId, zoneName } = input;
  const existing = new Set(input.certificates.map((c) => c.id));
  const claims: OwnedClaim[] = input.registry.flatMap((record) => {
    const claim = parseClaim(record.content);
    return claim === null || claim.owner !== ownerId ? [] : [{ ...claim, recordId: record.id }];
  });
  const claimBySecret = new Map<string, OwnedClaim>();
  const steps: CertificateStep[] = [];
  for (const claim of claims) {
    // A second claim for one Secret (a crash between two writes): its certificate is surplus.
    if (claimBySecret.has(claim.secret)) steps.push({ op: "remove", claim, certificateExists: existing.has(claim.certificateId) });
    else claimBySecret.set(claim.secret, claim);
  }

  const problems: CertificateProblem[] = [];
  const wanted = new Set<string>();
  const byFingerprint = new Map<string, string>();
  for (const certificate of [...input.desired].sort((a, b) => (a.secret < b.secret ? -1 : a.secret > b.secret ? 1 : 0))) {
    if (!certificate.names.some((name) => inZone(name, zoneName))) {
      problems.push({ secret: certificate.secret, reason: `the certificate names no host in the zone ${zoneName}` });
      continue;
    }
    const twin = byFingerprint.get(certificate.fingerprint);
    if (twin !== undefined) {
      problems.push({ secret: certificate.secret, reason: `holds the same certificate as ${twin}: uploaded once, for ${twin}` });
      continue;
    }
    byFingerprint.set(certificate.fingerprint, certificate.secret);
    const key = secretKey(certificate.secret);
    wanted.add(key);
    const claim = claimBySecret.get(key) ?? null;
    if (claim === null || !existing.has(claim.certificateId)) steps.push({ op: "upload", certificate, claim });
    else if (claim.fingerprint !== certificate.fingerprint) steps.push({ op: "replace", certificate, claim });
  }
  for (const [key, claim] of claimBySecret) {
    if (!wanted.has(key)) steps.push({ op: "remove", claim, certificateExists: existing.has(claim.certificateId) });
  }
  const claimed = new Set(claims.map((c) => c.certificateId));
  return { steps, problems, foreign: input.certificates.filter((c) => !claimed.has(c.id)).length };
}

function inZone(name: string, zoneName: string): boolean {
  const bare = name.startsWith("*.") ? name.slice(2) : name;
  return bare === zoneName || bare.endsWith(`.${zoneName}`);
}
