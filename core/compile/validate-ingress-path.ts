import { normalizePath } from "../match/normalize-path.ts";
import type { IngressPathType } from "../table/schema.ts";

const LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
const SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** An Ingress rule host: a lower-case DNS name, or `*.` and one; never an IP, a port or a lone `*`. */
export function checkHost(host: string): Checked<string> {
  if (host.length > 253) return { ok: false, reason: `host "${host}" is longer than 253 characters` };
  const name = host.startsWith("*.") ? host.slice(2) : host;
  if (IPV4.test(name) || host.includes(":")) return { ok: false, reason: `host "${host}" must be a DNS name, not an IP address or with a port` };
  if (!SUBDOMAIN.test(name)) return { ok: false, reason: `host "${host}" is not a lower-case DNS name (or *. and one)` };
  return { ok: true, value: host };
}

export function checkPathType(value: string | undefined): Checked<IngressPathType> {
  if (value === "Exact" || value === "Prefix" || value === "ImplementationSpecific") return { ok: true, value };
  if (value === undefined || value === "") return { ok: false, reason: "pathType is required (Exact, Prefix or ImplementationSpecific)" };
  return { ok: false, reason: `pathType "${value}" is not Exact, Prefix or ImplementationSpecific` };
}

/**
 * A rule path as the matcher will compare it: validated as the API server does for Exact and Prefix, then put
 * in the same normal form as request paths (so `/%7Euser` in a rule matches `/~user` in a request).
 */
export function checkPath(path: string | undefined, pathType: IngressPathType): Checked<string> {
  if (path === undefined || path === "") {
    return pathType === "ImplementationSpecific" ? { ok: true, value: "/" } : { ok: false, reason: `${pathType} path is required` };
  }
  if (!path.startsWith("/")) return { ok: false, reason: `path "${path}" must be absolute (start with /)` };
  if (pathType !== "ImplementationSpecific") {
    if (/\/\/|\/\.\.?(\/|$)|%2f/i.test(path)) {
      return { ok: false, reason: `path "${path}" must not contain //, /./, /../ or %2F, nor end with /. or /..` };
    }
  }
  const normalized = normalizePath(path);
  if (!normalized.ok) return { ok: false, reason: `path "${path}": ${normalized.reason}` };
  return { ok: true, value: normalized.path };
}
