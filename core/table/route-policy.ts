/**
 * Per-Ingress policies the edge applies to the route decision (see core/policy): what ingress-nginx annotations
 * ask for, in the table's own terms. Added within schema 1: a table without policies is byte for byte what it was
 * before, so its version is unchanged — but an older worker refuses a table that has them (its validation is
 * strict), so the worker must be deployed before an agent that writes them.
 */
export interface RoutePolicy {
  /** `namespace/name` of the Ingress whose rules (and default backend) the policy applies to. */
  readonly ingress: string;
  /** `/app`: a request for `/` gets a 302 to it (ingress-nginx `app-root`). */
  readonly appRoot?: string;
  /** Bytes: a request whose Content-Length is larger gets a 413 (`proxy-body-size`). */
  readonly maxBodyBytes?: number;
  /** CORS answered at the edge (`enable-cors` and `cors-*`). */
  readonly cors?: CorsPolicy;
  /** Every request gets this redirect (`permanent-redirect`, `temporal-redirect`). */
  readonly redirect?: PolicyRedirect;
  /** Plain http gets a 308 to https even on a host without TLS (`force-ssl-redirect`). */
  readonly forceSslRedirect?: true;
  /** Client address ranges (canonical CIDRs) refused with a 403 (`denylist-source-range`). */
  readonly deny?: readonly string[];
  /** Client address ranges (canonical CIDRs) allowed; any other client gets a 403 (`allowlist-source-range`). */
  readonly allow?: readonly string[];
  /**
   * The path the backend sees on a RegularExpression rule whose pattern is not this very text (`rewrite-target`):
   * `$1`…`$9` are the pattern's captures; the query is kept. Other rules are forwarded as they came.
   */
  readonly rewriteTarget?: string;
  /**
   * Sent to the backend as `X-Forwarded-Prefix` where the path is rewritten (`x-forwarded-prefix`, only beside
   * `rewriteTarget`, as ingress-nginx sends it); `$1`…`$9` are the same captures.
   */
  readonly forwardedPrefix?: string;
  /**
   * How long the backend has to answer, in milliseconds, in place of the edge's `EDGE_UPSTREAM_TIMEOUT_MS`
   * (`proxy-read-timeout`: nginx's wait for the next read, which for an answer's head is this).
   */
  readonly responseTimeoutMs?: number;
  /**
   * How long opening a connection to a target may take, in milliseconds, in place of the edge's
   * `EDGE_CONNECT_TIMEOUT_MS` (`proxy-connect-timeout`). The socket transport sees the connection open; the fetch
   * transport cannot (the compiler says so for the Ingress).
   */
  readonly connectTimeoutMs?: number;
  /**
   * The Host the backend sees (`upstream-vhost`), `name` or `name:port`. Sent by the socket transport; the fetch
   * transport sets Host from the target's URL and cannot (the compiler says so for the Ingress).
   */
  readonly upstreamHost?: string;
  /* Gateway API HTTPRoute filters: the policy of one route rule, keyed `HTTPRoute namespace/name#rule`. */
  /** RequestHeaderModifier: the request headers the backend receives. */
  readonly requestHeaders?: HeaderEdits;
  /** ResponseHeaderModifier: the backend's response headers the client receives. */
  readonly responseHeaders?: HeaderEdits;
  /** RequestRedirect: every request of the rule gets this redirect. */
  readonly routeRedirect?: RouteRedirect;
  /**
   * URLRewrite hostname: the Host the backend sees (socket transport), and the X-Forwarded-Host it is told (both
   * transports: the fetch transport sets Host from the target's URL).
   */
  readonly rewriteHost?: string;
  /** URLRewrite path: what the backend receives in place of the request's path. */
  readonly rewritePath?: PathReplacement;
}

/** Header edits in Gateway API's order: set (replace), add (append), remove. Names lower case. */
export interface HeaderEdits {
  readonly set?: readonly { readonly name: string; readonly value: string }[];
  readonly add?: readonly { readonly name: string; readonly value: string }[];
  readonly remove?: readonly string[];
}

/** A whole new path, or the matched prefix replaced (Gateway API ReplaceFullPath / ReplacePrefixMatch). */
export type PathReplacement = { readonly full: string } | { readonly prefix: string };

/** Gateway API RequestRedirect: each part absent keeps the request's. */
export interface RouteRedirect {
  readonly status: 301 | 302 | 303 | 307 | 308;
  readonly scheme?: "http" | "https";
  readonly hostname?: string;
  readonly port?: number;
  readonly path?: PathReplacement;
}

/**
 * ingress-nginx's `from-to-www-redirect`: every request for `from` (the host without, or with, `www.`) gets a 308
 * to `to`, the host an Ingress serves, whatever path; only where no Ingress serves `from` itself.
 */
export interface HostRedirect {
  readonly from: string;
  readonly to: string;
  /** The Ingress that asked for it. */
  readonly ingress: string;
}

export interface PolicyRedirect {
  readonly status: number;
  /**
   * An absolute http(s) URL; may hold `$request_uri`, `$uri`, `$args`, `$is_args`, `$host` or `$scheme`, filled
   * in per request as nginx does. No other `$`.
   */
  readonly location: string;
}

export interface CorsPolicy {
  /** `["*"]`, or origins such as `https://a.example` and `https://*.a.example`. */
  readonly origins: readonly string[];
  readonly methods: string;
  readonly headers: string;
  /** Absent: no Access-Control-Expose-Headers. */
  readonly expose?: string;
  readonly credentials: boolean;
  readonly maxAge: number;
}

export const REDIRECT_VARIABLES = ["request_uri", "uri", "args", "is_args", "host", "scheme"] as const;
export type RedirectVariable = (typeof REDIRECT_VARIABLES)[number];

/** The checks every value of a policy passes, shared by the compiler (which writes them) and the table's validation. */
export const POLICY_SYNTAX = {
  appRoot: /^\/[A-Za-z0-9\-._~!&'()*+,;=:@/%]*$/,
  corsOrigin: /^(\*|[a-z]+:\/\/(\*\.)?[A-Za-z0-9\-.]*(:\d+)?)$/,
  corsMethods: /^([A-Za-z]+,?\s?)+$/,
  corsHeaders: /^[A-Za-z0-9\-_, ]*$/,
  corsExpose: /^(([A-Za-z0-9\-_]+|\*),?\s?)+$/,
  /** Printable ASCII without spaces, quotes or angle brackets: safe as a Location header. `$` only before a known variable. */
  redirectLocation: /^https?:\/\/[\x21\x23-\x3b\x3d\x3f-\x7e]+$/,
  /** ingress-nginx's path syntax, `$` only before a capture's digit. */
  forwardedPrefix: /^\/?([-._~a-zA-Z0-9/:]|\$[1-9])*$/,
  /** ingress-nginx's path syntax, starting with `/`, `$` only before a capture's digit. */
  rewriteTarget: /^\/([-._~a-zA-Z0-9/:]|\$[1-9])*$/,
  upstreamHost: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?(:\d{1,5})?$/,
  /** A Gateway API HTTPHeaderName. */
  headerName: /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/,
  /** A header value the edge may send: visible ASCII and spaces, not starting or ending with a space. */
  headerValue: /^([\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?)?$/,
  /** An absolute path without query or fragment. */
  replacementPath: /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/,
  /** A Gateway API PreciseHostname. */
  hostname: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
} as const;

/**
 * The location split into literal text and variables (nginx reads a name greedily: `$uris` is `uris`, not `$uri`
 * then `s`), or null when it names a variable the edge does not fill in.
 */
export function splitRedirectLocation(location: string): (string | { readonly variable: RedirectVariable })[] | null {
  const parts: (string | { readonly variable: RedirectVariable })[] = [];
  let at = 0;
  for (const match of location.matchAll(/\$([A-Za-z0-9_]*)/g)) {
    const name = match[1] ?? "";
    const known = REDIRECT_VARIABLES.find((variable) => variable === name);
    if (known === undefined) return null;
    if (match.index > at) parts.push(location.slice(at, match.index));
    parts.push({ variable: known });
    at = match.index + match[0].length;
  }
  if (at < location.length) parts.push(location.slice(at));
  return parts;
}
