import { compileRegexPath } from "../../match/regex-path.ts";
import type { Rule } from "../../table/schema.ts";

/** Where a rule came from, as ingress-nginx's location building needs it. */
export interface RuleOrigin {
  /** The path as the Ingress wrote it (`/` for an empty ImplementationSpecific one): the pattern of a regex location. */
  readonly rawPath: string;
  /** `use-regex`, or a `rewrite-target` other than this path: ingress-nginx's needsRewrite || UseRegex. */
  readonly regexLocation: boolean;
}

/** The key of a rule's origin: its host and its slot within the host. */
export function originKey(host: string, slot: string): string {
  return `${host}\u0000${slot}`;
}

/**
 * ingress-nginx's regex mode (enforceRegexModifier, updateServerLocations, buildLocation): once one path of a host
 * is a regex location, every path of that host — whatever Ingress wrote it — becomes `location ~* "^path"`, a
 * case-insensitive pattern anchored at the start only. A plain Prefix path (not `/`) is first split as there into
 * `path/` and, unless an Exact rule holds the same path, `path` itself; Exact paths lose their exactness
 * (`^/foo` matches `/foobar`). The rules of such hosts are rewritten in place as RegularExpression rules, in the
 * order they were added (Ingress age, then listing): of identical patterns the first is kept, as nginx takes
 * the first regex location that matches. A pattern the engine refuses is reported and left out. Pure but for
 * `hosts`, which it rewrites.
 */
export function applyRegexMode(
  hosts: Map<string, Map<string, Rule>>,
  origins: ReadonlyMap<string, RuleOrigin>,
  report: (ingress: string, reason: string) => void,
): void {
  for (const [host, rules] of hosts) {
    const originOf = (slot: string): RuleOrigin | undefined => origins.get(originKey(host, slot));
    const regexBy = [...rules.keys()].map((slot) => ({ slot, origin: originOf(slot) })).filter(({ origin }) => origin?.regexLocation === true);
    if (regexBy.length === 0) continue;
    const shown = host === "" ? "(any host)" : host;
    const askers = [...new Set(regexBy.flatMap(({ slot }) => rules.get(slot)?.ingress ?? []))].sort();
    const exactPaths = new Set([...rules.values()].filter((rule) => rule.pathType === "Exact").map((rule) => rule.path));
    const patterns = new Map<string, Rule>();
    const told = new Set<string>();
    for (const [slot, rule] of rules) {
      const origin = originOf(slot);
      const path = origin?.rawPath ?? rule.path;
      if (origin?.regexLocation !== true && !told.has(rule.ingress) && !askers.includes(rule.ingress)) {
        told.add(rule.ingress);
        report(rule.ingress, `${shown} is in ingress-nginx's regex mode (use-regex or rewrite-target on ${askers.join(", ")}): its paths are served as case-insensitive patterns anchored at the start only, as ingress-nginx serves them`);
      }
      const split = rule.pathType === "Prefix" && path !== "/" && origin?.regexLocation !== true;
      const emitted = split ? [path.endsWith("/") ? path : `${path}/`, ...(exactPaths.has(path) ? [] : [path])] : [path];
      for (const pattern of [...new Set(emitted)]) {
        const compiled = compileRegexPath(pattern, { ignoreCase: true });
        if (!compiled.ok) {
          report(rule.ingress, `${shown} ${pattern}: ${compiled.problem}; left out`);
          continue;
        }
        const holder = patterns.get(pattern);
        if (holder !== undefined) {
          if (holder.ingress !== rule.ingress || holder.backend !== rule.backend) {
            report(rule.ingress, `${shown} ${pattern}: the same pattern of ${holder.ingress === rule.ingress ? "an earlier path" : `the older Ingress ${holder.ingress}`} is matched first; left out`);
          }
          continue;
        }
        patterns.set(pattern, { ...rule, path: pattern, pathType: "RegularExpression", ignoreCase: true });
      }
    }
    rules.clear();
    for (const [pattern, rule] of patterns) rules.set(`RegularExpression ${pattern}`, rule);
  }
}
