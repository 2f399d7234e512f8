import { createHash } from "node:crypto";

/*
 * Custom certificates carry no label of ours, so ownership lives in the zone, as for node records: one TXT
 * record per uploaded certificate at `_edge-ingress-certificates.<zone>`, naming the owner, the Secret (as a
 * hash: public DNS should not list namespaces and Secret names), the certificate id and the fingerprint of what
 * was uploaded. A certificate no such record names is never changed or deleted.
 */

export const CERTIFICATE_REGISTRY_LABEL = "_edge-ingress-certificates";

export interface CertificateClaim {
  readonly owner: string;
  /** {@link secretKey} of the Secret. */
  readonly secret: string;
  readonly certificateId: string;
  readonly fingerprint: string;
}

export function registryName(zoneName: string): string {
  return `${CERTIFICATE_REGISTRY_LABEL}.${zoneName}`;
}

/** A short, stable stand-in for `namespace/name`. */
export function secretKey(secretId: string): string {
  return createHash("sha256").update(secretId).digest("hex").slice(0, 24);
}

export function formatClaim(claim: CertificateClaim): string {
  return `"heritage=edge-ingress,edge-ingress/owner=${claim.owner},secret=${claim.secret},certificate=${claim.certificateId},fingerprint=${claim.fingerprint}"`;
}

export function parseClaim(content: string): CertificateClaim | null {
  const unquoted = content.trim().replace(/^"(.*)"$/s, "$1");
  const fields = new Map(unquoted.split(",").map((field) => {
    const at = field.indexOf("=");
    return [field.slice(0, at).trim(), field.slice(at + 1).trim()] as const;
  }));
  const owner = fields.get("edge-ingress/owner");
  const secret = fields.get("secret");
  const certificateId = fields.get("certificate");
  const fingerprint = fields.get("fingerprint");
  if (fields.get("heritage") !== "edge-ingress" || owner === undefined || secret === undefined || certificateId === undefined || fingerprint === undefined) return null;
  return { owner, secret, certificateId, fingerprint };
}
