import { createHash, createPrivateKey, X509Certificate } from "node:crypto";

/** An Ingress `spec.tls` Secret (type kubernetes.io/tls), as the agent reads it from the cluster. */
export interface TlsSecret {
  /** `namespace/name`. */
  readonly id: string;
  /** The hosts the Ingresses list for this Secret. */
  readonly hosts: readonly string[];
  /** `tls.crt`: the certificate, possibly followed by its chain. */
  readonly certPem: string;
  /** `tls.key`. */
  readonly keyPem: string;
}

export interface CheckedCertificate {
  readonly secret: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the certificate bytes as stored (chain included): changes whenever the Secret's certificate does. */
  readonly fingerprint: string;
  readonly names: readonly string[];
  readonly notAfter: Date;
  /** Ingress hosts the certificate does not cover: uploaded anyway for the others, and reported. */
  readonly uncovered: readonly string[];
}

export interface CertificateProblem {
  readonly secret: string;
  readonly reason: string;
}

/** Cloudflare refuses certificates that expire within 14 days. */
export const MIN_REMAINING_VALIDITY_MS = 14 * 24 * 3600 * 1000;

/** Checks a Secret as Cloudflare will on upload, so that a bad Secret is a reported problem rather than a failed call. */
export function checkTlsSecret(secret: TlsSecret, nowMs: number): { ok: true; certificate: CheckedCertificate } | { ok: false; problem: CertificateProblem } {
  const fail = (reason: string) => ({ ok: false as const, problem: { secret: secret.id, reason } });
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(secret.certPem);
  } catch {
    return fail("tls.crt is not a PEM certificate");
  }
  // Cloudflare wants the key alone: an OpenSSL "EC PARAMETERS" block before it is refused.
  const keyPem = secret.keyPem.replace(/-----BEGIN EC PARAMETERS-----[\s\S]*?-----END EC PARAMETERS-----\s*/g, "");
  try {
    const key = createPrivateKey(keyPem);
    if (!leaf.checkPrivateKey(key)) return fail("tls.key does not belong to the certificate in tls.crt");
  } catch {
    return fail("tls.key is not an unencrypted PEM private key");
  }
  const notAfter = new Date(leaf.validTo);
  if (notAfter.getTime() - nowMs < MIN_REMAINING_VALIDITY_MS) {
    return fail(`the certificate expires ${notAfter.toISOString()}: Cloudflare takes none that expire within 14 days`);
  }
  const names = (leaf.subjectAltName ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4).toLowerCase());
  const uncovered = secret.hosts.filter((host) => !names.some((name) => covers(name, host.toLowerCase())));
  return {
    ok: true,
    certificate: {
      secret: secret.id,
      certPem: secret.certPem.trim(),
      keyPem: keyPem.trim(),
      fingerprint: fingerprintOf(secret.certPem),
      names,
      notAfter,
      uncovered,
    },
  };
}

/** SHA-256 hex of the DER bytes of every certificate in the PEM, in order: blind to line endings and comments. */
export function fingerprintOf(certPem: string): string {
  const hash = createHash("sha256");
  for (const match of certPem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    hash.update(Buffer.from((match[1] ?? "").replace(/\s+/g, ""), "base64"));
  }
  return hash.digest("hex");
}

/** A SAN covers a host exactly, or as a wildcard over exactly one label. */
function covers(name: string, host: string): boolean {
  if (name === host) return true;
  if (!name.startsWith("*.")) return false;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}
