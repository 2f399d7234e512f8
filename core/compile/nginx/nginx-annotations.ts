import { NGINX_MAPPED_KEYS } from "../parse-policy.ts";

/**
 * Every `nginx.ingress.kubernetes.io/*` annotation ingress-nginx knows, and what the edge does with it. Read from
 * ingress-nginx's own sources (docs/user-guide/nginx-configuration/annotations.md and the parsers under
 * internal/ingress/annotations/, commit dbb11b9 of March 2026), so that nothing it honours is silently ignored:
 *
 * - `supported`: the edge does what ingress-nginx documents (see parse-policy.ts and docs/ingress-nginx.md).
 * - `ignored`: the Ingress is served without it, and that is reported (compile, Event, metric, explain, check).
 * - `access`: access control the edge does not enforce: the Ingress is not served at all (fails closed).
 * - `snippet`: raw nginx configuration; refused as ingress-nginx refuses it by default (its Critical risk level,
 *   above the default `annotations-risk-level: High`): the Ingress is not served.
 * - `canary`: the `canary-*` settings, honoured on a canary Ingress (`canary: "true"`) and meaningless on any
 *   other (as in ingress-nginx), where they are neither refused nor reported.
 */
export type AnnotationSupport = "supported" | "ignored" | "access" | "snippet" | "canary";

export interface AnnotationEntry {
  readonly support: AnnotationSupport;
  /**
   * Values that ask for ingress-nginx's default behaviour (compared without case): an annotation holding one
   * changes nothing, so it is neither refused nor reported.
   */
  readonly inert?: readonly string[];
}

const FALSE = ["false"] as const;

const SUPPORTED = [
  // Read by the edge's own policy parser under their nginx names.
  ...NGINX_MAPPED_KEYS,
  "app-root",
  "proxy-body-size",
  "cors-allow-credentials", "cors-allow-headers", "cors-allow-methods", "cors-allow-origin", "cors-expose-headers", "cors-max-age",
  "permanent-redirect", "permanent-redirect-code", "temporal-redirect", "temporal-redirect-code",
  "whitelist-source-range", "allowlist-source-range", "denylist-source-range",
  "x-forwarded-prefix",
  "proxy-read-timeout", "proxy-connect-timeout",
  "rewrite-target", "use-regex",
  "upstream-vhost",
] as const;

const ACCESS = [
  "auth-always-set-cookie", "auth-cache-duration", "auth-cache-key", "auth-keepalive", "auth-keepalive-requests",
  "auth-keepalive-share-vars", "auth-keepalive-timeout", "auth-method", "auth-proxy-set-headers", "auth-realm",
  "auth-request-redirect", "auth-response-headers", "auth-secret", "auth-secret-type", "auth-signin",
  "auth-signin-redirect-param", "auth-type", "auth-url",
  "auth-tls-error-page", "auth-tls-match-cn", "auth-tls-pass-certificate-to-upstream", "auth-tls-secret",
  "auth-tls-verify-client", "auth-tls-verify-depth",
  "satisfy",
] as const;

const SNIPPETS = ["configuration-snippet", "server-snippet", "auth-snippet", "stream-snippet", "modsecurity-snippet"] as const;

const CANARY = ["canary-by-cookie", "canary-by-header", "canary-by-header-pattern", "canary-by-header-value", "canary-weight", "canary-weight-total"] as const;

const IGNORED = [
  "affinity-canary-behavior", "client-body-buffer-size", "connection-proxy-header", "custom-headers", "custom-http-errors", "default-backend", "disable-proxy-intercept-errors",
  "enable-access-log", "enable-global-auth", "fastcgi-index", "fastcgi-params-configmap", "http2-push-preload",
  "limit-allowlist", "limit-burst-multiplier", "limit-connections", "limit-rate", "limit-rate-after", "limit-rpm",
  "limit-rps", "limit-whitelist", "load-balance", "mirror-host", "mirror-request-body", "mirror-target",
  "modsecurity-transaction-id", "opentelemetry-operation-name", "opentelemetry-trust-incoming-span",
  "preserve-trailing-slash", "proxy-buffer-size",
  "proxy-buffering", "proxy-buffers-number", "proxy-busy-buffers-size",
  "proxy-cookie-domain", "proxy-cookie-path", "proxy-max-temp-file-size", "proxy-next-upstream",
  "proxy-next-upstream-timeout", "proxy-next-upstream-tries", "proxy-redirect-from",
  "proxy-redirect-to", "proxy-request-buffering", "proxy-send-timeout", "proxy-ssl-ciphers", "proxy-ssl-name",
  "proxy-ssl-protocols", "proxy-ssl-secret", "proxy-ssl-server-name", "proxy-ssl-verify", "proxy-ssl-verify-depth",
  "relative-redirects", "server-alias", "session-cookie-change-on-failure",
  "session-cookie-conditional-samesite-none", "session-cookie-domain", "session-cookie-secure", "ssl-ciphers",
  "ssl-prefer-server-ciphers", "upstream-hash-by",
  "upstream-hash-by-subset", "upstream-hash-by-subset-size", "use-port-in-redirects",
] as const;

/**
 * What the edge always does anyway: it sends every request to the Service's nodePort (kube-proxy picks the
 * endpoint, as `service-upstream: "true"` asks of ingress-nginx) over HTTP/1.1.
 */
const ALREADY = [
  ["service-upstream", ["true", "false"]],
  ["proxy-http-version", ["1.1"]],
  // The edge's cookie keeps a client on its Node while that Node is up: ingress-nginx's persistent mode.
  ["affinity-mode", ["persistent"]],
] as const;

/** Switches whose `false` is ingress-nginx's default: present but off, they change nothing. */
const SWITCHES_OFF = ["enable-opentelemetry", "enable-rewrite-log", "ssl-passthrough"] as const;

export const NGINX_ANNOTATIONS: ReadonlyMap<string, AnnotationEntry> = new Map<string, AnnotationEntry>([
  ...SUPPORTED.map((name) => [name, { support: "supported" }] as const),
  ["enable-cors", { support: "supported" }],
  ["force-ssl-redirect", { support: "supported" }],
  ["from-to-www-redirect", { support: "supported" }],
  ...ACCESS.map((name) => [name, { support: "access" }] as const),
  ...SNIPPETS.map((name) => [name, { support: "snippet" }] as const),
  ["canary", { support: "supported" }],
  ...CANARY.map((name) => [name, { support: "canary" }] as const),
  ...IGNORED.map((name) => [name, { support: "ignored" }] as const),
  ...SWITCHES_OFF.map((name) => [name, { support: "ignored", inert: FALSE }] as const),
  ...ALREADY.map(([name, inert]) => [name, { support: "ignored", inert }] as const),
  // A web application firewall blocks requests: access control, unless switched off.
  ["enable-modsecurity", { support: "access", inert: FALSE }],
  ["enable-owasp-core-rules", { support: "access", inert: FALSE }],
]);
