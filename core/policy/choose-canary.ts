import { compileRegexSearch, type RegexSearch } from "../match/regex-path.ts";
import type { RuleCanary } from "../table/schema.ts";
import { readCookie } from "./read-cookie.ts";

export interface CompiledCanary {
  /** Lower-case header name; null when the canary is not chosen by header. */
  readonly header: string | null;
  readonly headerValue: string | null;
  /** Used only without `headerValue`, as ingress-nginx does. */
  readonly headerPattern: RegexSearch | null;
  readonly cookie: string | null;
  readonly weight: number;
  readonly weightTotal: number;
}

export function compileCanary(canary: RuleCanary): CompiledCanary {
  return {
    header: canary.header?.toLowerCase() ?? null,
    headerValue: canary.headerValue ?? null,
    headerPattern: canary.headerPattern === undefined ? null : patternOf(canary.headerPattern),
    cookie: canary.cookie ?? null,
    weight: canary.weight ?? 0,
    // ingress-nginx takes canary-weight-total only above 100.
    weightTotal: Math.max(canary.weightTotal ?? 100, 100),
  };
}

/**
 * ingress-nginx's route_to_alternative_balancer (rootfs/etc/nginx/lua/balancer.lua), step for step: the header
 * (equal to its value → canary; else, with a pattern, the pattern found in it → canary; with neither, `always` →
 * canary and `never` → mainline; anything else goes on),
 * then the cookie (`always` / `never`), then the weight: math.random(total) <= weight. Pure: `random` is passed in.
 */
export function chooseCanary(canary: CompiledCanary, header: (name: string) => string | null, random: () => number): boolean {
  if (canary.header !== null) {
    const value = header(canary.header);
    if (value !== null) {
      if (canary.headerValue !== null) {
        if (value === canary.headerValue) return true;
      } else if (canary.headerPattern !== null) {
        if (canary.headerPattern.test(value)) return true;
      } else if (value === "always") {
        return true;
      } else if (value === "never") {
        return false;
      }
    }
  }
  if (canary.cookie !== null) {
    const value = readCookie(header("cookie"), canary.cookie);
    if (value === "always") return true;
    if (value === "never") return false;
  }
  return Math.floor(random() * canary.weightTotal) + 1 <= canary.weight;
}

/** The table's patterns were checked when it was validated; one that does not compile matches nothing. */
function patternOf(pattern: string): RegexSearch | null {
  const compiled = compileRegexSearch(pattern);
  return compiled.ok ? compiled.regex : null;
}
