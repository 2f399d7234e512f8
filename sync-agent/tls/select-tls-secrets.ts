import { type Ingress, namespacedKey, namespaceOf, type ObjectMeta } from "../../core/compile/cluster-objects.ts";
import { checkHost } from "../../core/compile/validate-ingress-path.ts";
import type { TlsSecret } from "../cloudflare/tls-secret.ts";

/** The parts of a Secret read here: as the API serves it (`data` in base64), or as written in a manifest (`stringData` too). */
export interface SecretObject {
  readonly metadata?: ObjectMeta;
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>> | null;
  readonly stringData?: Readonly<Record<string, string>> | null;
}

export interface TlsSecretProblem {
  /** `namespace/name` of the Secret. */
  readonly secret: string;
  readonly reason: string;
}

export interface TlsSecretSelection {
  /** Sorted by id; hosts sorted and unique. */
  readonly secrets: readonly TlsSecret[];
  readonly problems: readonly TlsSecretProblem[];
}

export const TLS_SECRET_TYPE = "kubernetes.io/tls";

/**
 * The TLS Secrets the served Ingresses name in `spec.tls[].secretName` (in their own namespace, as Kubernetes
 * resolves them), each with the hosts those sections list. Secrets no served Ingress names are never returned,
 * whatever the store holds. A named Secret that is missing, not of type kubernetes.io/tls, or without
 * `tls.crt`/`tls.key` is a problem and left out. Pure.
 */
export function selectTlsSecrets(
  ingresses: readonly Ingress[],
  served: readonly string[],
  secrets: readonly SecretObject[],
  /** The Secrets served Gateway API HTTPS listeners name (`CompileResult.gateway.certificates`), alike. */
  listenerCertificates: readonly { readonly secret: string; readonly hosts: readonly string[] }[] = [],
): TlsSecretSelection {
  const servedSet = new Set(served);
  const wanted = new Map<string, Set<string>>();
  for (const { secret, hosts } of listenerCertificates) wanted.set(secret, new Set([...(wanted.get(secret) ?? []), ...hosts]));
  for (const ingress of ingresses) {
    const namespace = namespaceOf(ingress.metadata);
    if (!servedSet.has(namespacedKey(ingress.metadata))) continue;
    for (const section of ingress.spec?.tls ?? []) {
      if (section.secretName === undefined || section.secretName === "") continue;
      const id = `${namespace}/${section.secretName}`;
      const hosts = wanted.get(id) ?? new Set<string>();
      for (const host of section.hosts ?? []) {
        const checked = checkHost(host);
        if (checked.ok) hosts.add(checked.value);
      }
      wanted.set(id, hosts);
    }
  }

  const byId = new Map(secrets.map((secret) => [namespacedKey(secret.metadata), secret]));
  const selected: TlsSecret[] = [];
  const problems: TlsSecretProblem[] = [];
  for (const [id, hosts] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const secret = byId.get(id);
    if (secret === undefined) {
      problems.push({ secret: id, reason: `no Secret of type ${TLS_SECRET_TYPE} by this name` });
      continue;
    }
    if ((secret.type ?? "Opaque") !== TLS_SECRET_TYPE) {
      problems.push({ secret: id, reason: `is of type ${secret.type ?? "Opaque"}, not ${TLS_SECRET_TYPE}` });
      continue;
    }
    const certPem = readKey(secret, "tls.crt");
    const keyPem = readKey(secret, "tls.key");
    const missing = [certPem === null ? "tls.crt" : null, keyPem === null ? "tls.key" : null].filter((key) => key !== null);
    if (certPem === null || keyPem === null) {
      problems.push({ secret: id, reason: `has no ${missing.join(" and no ")}` });
      continue;
    }
    selected.push({ id, hosts: [...hosts].sort(), certPem, keyPem });
  }
  return { secrets: selected, problems };
}

/** `stringData` wins over `data`, as the API server merges them on write. */
function readKey(secret: SecretObject, key: string): string | null {
  const plain = secret.stringData?.[key];
  if (plain !== undefined && plain !== "") return plain;
  const encoded = secret.data?.[key];
  if (encoded === undefined || encoded === "") return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  return decoded === "" ? null : decoded;
}
