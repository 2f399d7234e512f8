import type { RuleCanary } from "../../table/schema.ts";
import { compileRegexSearch } from "../../match/regex-path.ts";
import { NGINX_PREFIX, quoteValue } from "../parse-policy.ts";

export type CanarySettings = Omit<RuleCanary, "backend" | "ingress">;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
const VISIBLE = /^[\x21-\x7e]([\x20-\x7e]{0,1022}[\x21-\x7e])?$/;
/** ingress-nginx's IsValidRegex, which canary-by-header-pattern must match. */
const NGINX_REGEX = /^[/\-._~a-zA-Z0-9:^$[\](){}*+?|&=\\]*$/;

/** True when the Ingress is a canary (`canary: "true"`): it routes nothing itself but shares its mainline's paths. */
export function isCanary(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[`${NGINX_PREFIX}canary`]?.trim().toLowerCase() === "true";
}

/**
 * A canary's traffic settings as ingress-nginx's canary parser reads them; an invalid value is reported and left
 * out (a canary without header, cookie or weight gets no traffic, as there). Pure.
 */
export function parseCanary(annotations: Readonly<Record<string, string>> | undefined): { readonly settings: CanarySettings; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const read = (key: string): string | undefined => {
    const value = annotations?.[NGINX_PREFIX + key]?.trim();
    return value === "" ? undefined : value;
  };
  const invalid = (key: string, value: string, want: string): void => {
    problems.push(`annotation ${NGINX_PREFIX}${key}: ${quoteValue(value)} is not ${want}; the canary is served without it`);
  };
  const settings: { -readonly [K in keyof CanarySettings]: CanarySettings[K] } = {};
  const header = read("canary-by-header");
  if (header !== undefined) {
    if (TOKEN.test(header)) settings.header = header;
    else invalid("canary-by-header", header, "a header name");
  }
  const headerValue = read("canary-by-header-value");
  if (headerValue !== undefined && settings.header !== undefined) {
    if (VISIBLE.test(headerValue)) settings.headerValue = headerValue;
    else invalid("canary-by-header-value", headerValue, "a header value of visible ASCII");
  }
  const pattern = read("canary-by-header-pattern");
  // As ingress-nginx: only beside a header, and only without a header value.
  if (pattern !== undefined && settings.header !== undefined && settings.headerValue === undefined) {
    const compiled = NGINX_REGEX.test(pattern) ? compileRegexSearch(pattern) : null;
    if (compiled === null) invalid("canary-by-header-pattern", pattern, "a pattern (ingress-nginx's syntax)");
    else if (!compiled.ok) problems.push(`annotation ${NGINX_PREFIX}canary-by-header-pattern: ${compiled.problem}; the canary is served without it`);
    else settings.headerPattern = pattern;
  }
  const cookie = read("canary-by-cookie");
  if (cookie !== undefined) {
    if (TOKEN.test(cookie)) settings.cookie = cookie;
    else invalid("canary-by-cookie", cookie, "a cookie name");
  }
  const total = read("canary-weight-total");
  if (total !== undefined) {
    if (/^\d{1,7}$/.test(total) && Number(total) >= 1 && Number(total) <= 1_000_000) settings.weightTotal = Number(total);
    else invalid("canary-weight-total", total, "a whole number from 1 to 1000000");
  }
  const weight = read("canary-weight");
  if (weight !== undefined) {
    if (/^\d{1,7}$/.test(weight) && Number(weight) <= 1_000_000) settings.weight = Number(weight);
    else invalid("canary-weight", weight, "a whole number");
  }
  return { settings, problems };
}
