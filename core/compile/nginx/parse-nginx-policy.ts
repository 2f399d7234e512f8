import { formatIpRange, parseIpRange } from "../../policy/ip-range.ts";
import { type CorsPolicy, POLICY_SYNTAX, type RoutePolicy, splitRedirectLocation } from "../../table/route-policy.ts";
import { NGINX_PREFIX, quoteValue } from "../parse-policy.ts";

export interface ParsedNginxPolicy {
  /** Null when the Ingress asks for no policy. */
  readonly policy: Omit<RoutePolicy, "ingress"> | null;
  /** Invalid values: reported, and the Ingress served without that annotation (as ingress-nginx logs and drops them). */
  readonly problems: readonly string[];
  /** Values that would open access if dropped (a source range that does not parse): the Ingress is not served. */
  readonly refusals: readonly string[];
  /** `from-to-www-redirect: "true"`: a host-level redirect (see collect-host-redirects.ts), not a route policy. */
  readonly wwwRedirect: boolean;
  /** What puts the Ingress's paths in ingress-nginx's regex mode (see regex-mode.ts). */
  readonly regex: RegexAsk;
}

export interface RegexAsk {
  /** `use-regex` is true (as Go's ParseBool reads it). */
  readonly useRegex: boolean;
  /**
   * `rewrite-target` when ingress-nginx takes it (its own syntax), whether or not the edge can apply it: a path
   * whose target differs from it is a regex location there. Null when absent or refused by ingress-nginx.
   */
  readonly rewriteTarget: string | null;
}

const SIZE = /^(\d{1,15})([bkmg]?)$/i;
/** ingress-nginx's RegexPathWithCapture, which rewrite-target and x-forwarded-prefix must match. */
const NGINX_PATH_WITH_CAPTURE = /^\/?[-._~a-zA-Z0-9/:$]*$/;
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const UNIT: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const DEFAULT_CORS_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
const DEFAULT_CORS_HEADERS = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
const DEFAULT_CORS_MAX_AGE = 1_728_000;

/**
 * The ingress-nginx annotations the edge applies as route policies, read as ingress-nginx reads them (defaults,
 * precedence and validation from its parsers), each value checked against the syntax the table allows before it
 * goes anywhere. Pure.
 */
export function parseNginxPolicy(annotations: Readonly<Record<string, string>> | undefined): ParsedNginxPolicy {
  const problems: string[] = [];
  const refusals: string[] = [];
  const read = (key: string): string | undefined => annotations?.[NGINX_PREFIX + key]?.trim();
  const invalid = (key: string, value: string, want: string): void => {
    problems.push(`annotation ${NGINX_PREFIX}${key}: ${quoteValue(value)} is not ${want}; served without it`);
  };
  const policy: { -readonly [K in keyof Omit<RoutePolicy, "ingress">]: Omit<RoutePolicy, "ingress">[K] } = {};

  const appRoot = read("app-root");
  if (appRoot !== undefined && appRoot !== "") {
    if (POLICY_SYNTAX.appRoot.test(appRoot) && appRoot.length <= 2048) policy.appRoot = appRoot;
    else invalid("app-root", appRoot, "an absolute path");
  }

  const bodySize = read("proxy-body-size");
  if (bodySize !== undefined) {
    const match = SIZE.exec(bodySize);
    if (match === null) invalid("proxy-body-size", bodySize, "a size such as 8m (nginx's k, m, g)");
    // 0 turns the check off, as client_max_body_size 0 does.
    else if (Number(match[1]) > 0) policy.maxBodyBytes = Math.min(Number(match[1]) * (UNIT[(match[2] ?? "").toLowerCase()] ?? 1), Number.MAX_SAFE_INTEGER);
  }

  if (read("enable-cors")?.toLowerCase() === "true") policy.cors = parseCors(read, invalid);

  // temporal-redirect wins over permanent-redirect, as in ingress-nginx's redirect parser.
  const temporal = read("temporal-redirect");
  const permanent = read("permanent-redirect");
  if (temporal !== undefined && temporal !== "") {
    const location = checkLocation(temporal);
    if (location === null) invalid("temporal-redirect", temporal, "an absolute http(s) URL (variables: $request_uri, $uri, $args, $is_args, $host, $scheme)");
    else policy.redirect = { status: readCode(read("temporal-redirect-code"), 300, 307, 302), location };
  } else if (permanent !== undefined && permanent !== "") {
    const location = checkLocation(permanent);
    if (location === null) invalid("permanent-redirect", permanent, "an absolute http(s) URL (variables: $request_uri, $uri, $args, $is_args, $host, $scheme)");
    else policy.redirect = { status: readCode(read("permanent-redirect-code"), 300, 308, 301), location };
  }

  if (read("force-ssl-redirect")?.toLowerCase() === "true") policy.forceSslRedirect = true;

  const readTimeout = read("proxy-read-timeout");
  if (readTimeout !== undefined) {
    // The edge waits at most 600 s (EDGE_UPSTREAM_TIMEOUT_MS's bound); Cloudflare's own proxy gives up sooner.
    if (/^\d{1,6}$/.test(readTimeout) && Number(readTimeout) >= 1) policy.responseTimeoutMs = Math.min(Number(readTimeout), 600) * 1000;
    else invalid("proxy-read-timeout", readTimeout, "a whole number of seconds");
  }

  const connectTimeout = read("proxy-connect-timeout");
  if (connectTimeout !== undefined) {
    if (/^\d{1,6}$/.test(connectTimeout) && Number(connectTimeout) >= 1) {
      policy.connectTimeoutMs = Math.min(Number(connectTimeout), 600) * 1000;
      problems.push(`annotation ${NGINX_PREFIX}proxy-connect-timeout: the edge bounds opening a connection only where it uses the socket transport (EDGE_TRANSPORT=socket); the fetch transport cannot tell connecting from waiting, and keeps proxy-read-timeout (or EDGE_UPSTREAM_TIMEOUT_MS) for both`);
    } else {
      invalid("proxy-connect-timeout", connectTimeout, "a whole number of seconds");
    }
  }

  const vhost = read("upstream-vhost")?.toLowerCase();
  if (vhost !== undefined && vhost !== "") {
    if (POLICY_SYNTAX.upstreamHost.test(vhost)) {
      policy.upstreamHost = vhost;
      problems.push(`annotation ${NGINX_PREFIX}upstream-vhost: the backend sees Host ${vhost} only where the edge uses the socket transport (EDGE_TRANSPORT=socket); the fetch transport sends the target's own name`);
    } else {
      invalid("upstream-vhost", vhost, "a host name (maybe with a port)");
    }
  }

  const regex = readRegexAsk(read);
  const target = regex.rewriteTarget;
  if (target !== null) {
    if (POLICY_SYNTAX.rewriteTarget.test(target) && target.length <= 1024) policy.rewriteTarget = target;
    else invalid("rewrite-target", target, "a path starting with / whose only variables are the captures $1 to $9");
  } else {
    const raw = read("rewrite-target");
    if (raw !== undefined && raw !== "") invalid("rewrite-target", raw, "a path (ingress-nginx's syntax: letters, digits, -._~/: and $1…)");
  }

  // ingress-nginx sets X-Forwarded-Prefix only where it rewrites (buildProxyPass), with the rewrite's captures.
  const prefix = read("x-forwarded-prefix")?.replaceAll(" ", "");
  if (prefix !== undefined && prefix !== "") {
    if (!POLICY_SYNTAX.forwardedPrefix.test(prefix) || prefix.length > 1024) invalid("x-forwarded-prefix", prefix, "a path whose only variables are the captures $1 to $9");
    else if (policy.rewriteTarget === undefined) problems.push(`annotation ${NGINX_PREFIX}x-forwarded-prefix is sent only with rewrite-target, as ingress-nginx does; not sent`);
    else policy.forwardedPrefix = prefix;
  }

  const ranges = (key: string): string[] | undefined => {
    const value = read(key);
    if (value === undefined) return undefined;
    const parsed: string[] = [];
    for (const entry of value.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
      const range = parseIpRange(entry);
      if (range === null) {
        refusals.push(`annotation ${NGINX_PREFIX}${key}: ${quoteValue(entry)} is not an IPv4 or IPv6 address or CIDR; the Ingress is not served (it fails closed rather than serve its routes open)`);
        return undefined;
      }
      parsed.push(formatIpRange(range));
    }
    if (parsed.length === 0) {
      refusals.push(`annotation ${NGINX_PREFIX}${key} lists no address; the Ingress is not served (it fails closed rather than serve its routes open)`);
      return undefined;
    }
    return [...new Set(parsed)].sort();
  };
  // ingress-nginx reads allowlist-source-range, and whitelist-source-range under its old name.
  const allow = ranges(read("allowlist-source-range") !== undefined ? "allowlist-source-range" : "whitelist-source-range");
  if (allow !== undefined) policy.allow = allow;
  const deny = ranges("denylist-source-range");
  if (deny !== undefined) policy.deny = deny;

  const wwwRedirect = read("from-to-www-redirect")?.toLowerCase() === "true";
  return { policy: Object.keys(policy).length === 0 ? null : policy, problems, refusals, wwwRedirect, regex };
}

/** use-regex and rewrite-target as ingress-nginx's rewrite parser reads them (invalid: false and ""). */
function readRegexAsk(read: (key: string) => string | undefined): RegexAsk {
  const target = read("rewrite-target");
  return {
    useRegex: GO_TRUE.has(read("use-regex") ?? ""),
    rewriteTarget: target !== undefined && target !== "" && NGINX_PATH_WITH_CAPTURE.test(target) ? target : null,
  };
}

function checkLocation(value: string): string | null {
  return value.length <= 2048 && POLICY_SYNTAX.redirectLocation.test(value) && splitRedirectLocation(value) !== null ? value : null;
}

/** A status code within ingress-nginx's bounds, else its default (it does not report this either). */
function readCode(value: string | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !/^\d{3}$/.test(value)) return fallback;
  const code = Number(value);
  return code >= min && code <= max ? code : fallback;
}

function parseCors(read: (key: string) => string | undefined, invalid: (key: string, value: string, want: string) => void): CorsPolicy {
  let origins = ["*"];
  const rawOrigins = read("cors-allow-origin");
  if (rawOrigins !== undefined) {
    const listed = rawOrigins.split(",").map((origin) => origin.trim()).filter((origin) => origin !== "");
    const valid = listed.filter((origin) => POLICY_SYNTAX.corsOrigin.test(origin) && origin.length <= 253);
    for (const origin of listed) if (!valid.includes(origin)) invalid("cors-allow-origin", origin, "* or an origin such as https://a.example");
    // As ingress-nginx: `*` among others means any origin; no valid origin at all falls back to `*`.
    if (valid.length > 0 && !valid.includes("*")) origins = valid;
  }
  const methods = read("cors-allow-methods");
  const headers = read("cors-allow-headers");
  const expose = read("cors-expose-headers");
  const credentials = read("cors-allow-credentials")?.toLowerCase();
  const maxAge = read("cors-max-age");
  const checked = (key: string, value: string | undefined, syntax: RegExp, fallback: string, want: string): string => {
    if (value === undefined) return fallback;
    if (syntax.test(value) && value.length <= 4096) return value;
    invalid(key, value, want);
    return fallback;
  };
  const exposed = expose === undefined || expose === "" ? undefined : checked("cors-expose-headers", expose, POLICY_SYNTAX.corsExpose, "", "a list of header names");
  return {
    origins,
    methods: checked("cors-allow-methods", methods, POLICY_SYNTAX.corsMethods, DEFAULT_CORS_METHODS, "a list of methods"),
    headers: checked("cors-allow-headers", headers, POLICY_SYNTAX.corsHeaders, DEFAULT_CORS_HEADERS, "a list of header names"),
    ...(exposed === undefined || exposed === "" ? {} : { expose: exposed }),
    credentials: credentials !== "false",
    maxAge: maxAge !== undefined && /^\d{1,9}$/.test(maxAge) ? Number(maxAge) : DEFAULT_CORS_MAX_AGE,
  };
}
