import type { BackendProtocol, CookieAffinity } from "../table/schema.ts";

export const ANNOTATION_PREFIX = "edge-ingress.dev/";
export const NGINX_PREFIX = "nginx.ingress.kubernetes.io/";

/**
 * ingress-nginx annotations that mean what the edge's own annotation of the same name means, so an Ingress
 * written for ingress-nginx is served unchanged. The edge's own annotation wins when both are present.
 */
export const NGINX_MAPPED_KEYS: ReadonlySet<string> = new Set([
  "ssl-redirect",
  "backend-protocol",
  "affinity",
  "session-cookie-name",
  "session-cookie-path",
  "session-cookie-max-age",
  "session-cookie-expires",
  "session-cookie-samesite",
]);

/** ingress-nginx's default affinity cookie name, kept when its annotation asked for affinity. */
export const NGINX_COOKIE_NAME = "INGRESSCOOKIE";

export interface IngressPolicy {
  readonly cookie: CookieAffinity | null;
  readonly sslRedirect: boolean;
  readonly healthCheckPath: string | null;
  /**
   * `health-check: nodeport`: probe this Service's own nodePort on every Node (TCP, or HTTP with
   * `health-check-path`) instead of the shared per-Node check. Null: the default for its traffic policy.
   */
  readonly healthCheck: "nodeport" | null;
  /** `backend-protocol`; null when the Ingress does not say, and the Service port's appProtocol decides. */
  readonly backendProtocol: BackendProtocol | null;
}

export interface ParsedPolicy {
  readonly policy: IngressPolicy;
  /** One sentence per invalid annotation; the default is used in its place. */
  readonly problems: readonly string[];
}

export const DEFAULT_COOKIE_NAME = "edge-route";

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * ingress-nginx's `backend-protocol` values, matched without regard to case as ingress-nginx does. The edge speaks
 * HTTP/1.1 over TCP or TLS, so only HTTP and HTTPS can be honoured; the others are named so the report can say so.
 */
const BACKEND_PROTOCOLS: ReadonlyMap<string, BackendProtocol> = new Map([["http", "http"], ["https", "https"]]);
const UNSUPPORTED_BACKEND_PROTOCOLS = new Set(["grpc", "grpcs", "fcgi", "auto_http"]);

const SAME_SITE: ReadonlyMap<string, "Strict" | "Lax" | "None"> = new Map([["strict", "Strict"], ["lax", "Lax"], ["none", "None"]]);

/**
 * The Ingress's `edge-ingress.dev/*` annotations as a policy. An invalid value is reported and replaced by the
 * default, never thrown. (A later compatibility layer can map ingress-nginx names onto the same keys first.)
 */
export function parsePolicy(annotations: Readonly<Record<string, string>> | undefined): ParsedPolicy {
  const problems: string[] = [];
  // Which prefix each key was read under, so a problem names the annotation the author wrote.
  const source = new Map<string, string>();
  const read = (key: string): string | undefined => {
    const own = annotations?.[ANNOTATION_PREFIX + key];
    if (own !== undefined) {
      source.set(key, ANNOTATION_PREFIX);
      return own.trim();
    }
    const nginx = NGINX_MAPPED_KEYS.has(key) ? annotations?.[NGINX_PREFIX + key] : undefined;
    if (nginx === undefined) return undefined;
    source.set(key, NGINX_PREFIX);
    return nginx.trim();
  };
  const nameOf = (key: string): string => `${source.get(key) ?? ANNOTATION_PREFIX}${key}`;
  const invalid = (key: string, value: string, want: string): void => {
    problems.push(`annotation ${nameOf(key)}: ${quoteValue(value)} is not ${want}; using the default`);
  };

  let sslRedirect = true;
  const redirect = read("ssl-redirect");
  if (redirect !== undefined) {
    if (redirect === "true" || redirect === "false") sslRedirect = redirect === "true";
    else invalid("ssl-redirect", redirect, '"true" or "false"');
  }

  let healthCheckPath: string | null = null;
  const checkPath = read("health-check-path");
  if (checkPath !== undefined) {
    if (/^\/[\x21-\x7e]*$/.test(checkPath)) healthCheckPath = checkPath;
    else invalid("health-check-path", checkPath, "an absolute path");
  }

  let healthCheck: "nodeport" | null = null;
  const checkKind = read("health-check");
  if (checkKind !== undefined) {
    if (checkKind === "nodeport") healthCheck = checkKind;
    else invalid("health-check", checkKind, '"nodeport"');
  }

  let backendProtocol: BackendProtocol | null = null;
  const rawProtocol = read("backend-protocol");
  if (rawProtocol !== undefined) {
    const protocol = BACKEND_PROTOCOLS.get(rawProtocol.toLowerCase());
    if (protocol !== undefined) backendProtocol = protocol;
    else if (UNSUPPORTED_BACKEND_PROTOCOLS.has(rawProtocol.toLowerCase())) {
      problems.push(`annotation ${nameOf("backend-protocol")}: ${quoteValue(rawProtocol)} is not supported (the edge speaks HTTP/1.1 to backends, over TCP or TLS: HTTP or HTTPS); using the Service port's appProtocol, else HTTP`);
    } else {
      problems.push(`annotation ${nameOf("backend-protocol")}: ${quoteValue(rawProtocol)} is not HTTP or HTTPS; using the Service port's appProtocol, else HTTP`);
    }
  }

  return { policy: { cookie: parseCookie(read, invalid, (key) => source.get(key) === NGINX_PREFIX), sslRedirect, healthCheckPath, healthCheck, backendProtocol }, problems };
}

/**
 * An annotation value as a problem quotes it: at most 64 characters (a tenant's value must not bloat the table
 * or an Event), control characters escaped.
 */
export function quoteValue(value: string): string {
  const cut = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  return JSON.stringify(cut);
}

function parseCookie(
  read: (key: string) => string | undefined,
  invalid: (key: string, value: string, want: string) => void,
  fromNginx: (key: string) => boolean,
): CookieAffinity | null {
  const affinity = read("affinity");
  if (affinity === undefined || affinity === "none") return null;
  if (affinity !== "cookie") {
    invalid("affinity", affinity, '"cookie" or "none"');
    return null;
  }
  let name = fromNginx("affinity") ? NGINX_COOKIE_NAME : DEFAULT_COOKIE_NAME;
  const rawName = read("session-cookie-name");
  if (rawName !== undefined) {
    if (COOKIE_NAME.test(rawName)) name = rawName;
    else invalid("session-cookie-name", rawName, "a cookie name token");
  }
  let maxAge: number | undefined;
  const rawMaxAge = read("session-cookie-max-age");
  if (rawMaxAge !== undefined) {
    if (/^\d{1,9}$/.test(rawMaxAge)) maxAge = Number(rawMaxAge);
    else invalid("session-cookie-max-age", rawMaxAge, "a whole number of seconds");
  }
  // ingress-nginx writes both Expires and Max-Age; a browser obeys Max-Age, so `expires` alone is a Max-Age.
  const rawExpires = maxAge === undefined ? read("session-cookie-expires") : undefined;
  if (rawExpires !== undefined) {
    if (/^\d{1,9}$/.test(rawExpires)) maxAge = Number(rawExpires);
    else invalid("session-cookie-expires", rawExpires, "a whole number of seconds");
  }
  let path = "/";
  const rawPath = read("session-cookie-path");
  if (rawPath !== undefined) {
    if (/^\/[\x21-\x3a\x3c-\x7e]*$/.test(rawPath)) path = rawPath;
    else invalid("session-cookie-path", rawPath, "an absolute path without ';'");
  }
  let sameSite: CookieAffinity["sameSite"];
  const rawSameSite = read("session-cookie-samesite");
  if (rawSameSite !== undefined) {
    sameSite = SAME_SITE.get(rawSameSite.toLowerCase());
    if (sameSite === undefined) invalid("session-cookie-samesite", rawSameSite, "Strict, Lax or None");
  }
  return { mode: "cookie", name, path, ...(maxAge === undefined ? {} : { maxAge }), ...(sameSite === undefined ? {} : { sameSite }) };
}
