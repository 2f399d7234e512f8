import { RE2JS, RE2Set } from "re2js";

/**
 * Regular-expression paths, on RE2 semantics (re2js: pure JavaScript, the same in Node and workerd): matching time
 * grows with the path's length only, whatever the pattern — no backtracking, so no pattern a tenant writes can
 * make the edge spin. What RE2 cannot take (backreferences, lookaround, possessive or atomic groups) is refused
 * when compiled, as is a pattern too long or too large: a problem for its source to report, never an exception.
 */

/** Characters in a pattern as written. ingress-nginx sets none; a path longer than this is not a route. */
export const MAX_PATTERN_LENGTH = 1024;
/** RE2 instructions: the engine's cost measure. `[a-z]{3}` is about 8; `[a-z]{1000}` about 1,000. */
export const MAX_PROGRAM_SIZE = 2000;

export interface RegexPathOptions {
  /** Match without regard to case (nginx's `~*`). */
  readonly ignoreCase: boolean;
}

export interface RegexPath {
  readonly pattern: string;
  /**
   * True when `^` followed by the pattern, as text, matches the path — nginx's `location ~* "^pattern"`: the match
   * begins at the path's first character and may end anywhere (a `$` in the pattern anchors the end).
   */
  test(path: string): boolean;
  /**
   * The groups of the pattern's leftmost match anywhere in the path (`[0]` the whole match; a group that did not
   * take part is ""), as nginx's `rewrite "(?i)pattern" …` captures them; null when it does not match.
   */
  captures(path: string): readonly string[] | null;
  /**
   * Text every match of an ASCII path starts with, lower-cased when matched without case ("" when none can be
   * told): lets an index skip patterns a path cannot match without running them. Only for ASCII paths: without
   * case, RE2 also matches `k` with the Kelvin sign and `s` with the long s.
   */
  readonly literalPrefix: string;
}

export type CompiledRegexPath = { readonly ok: true; readonly regex: RegexPath } | { readonly ok: false; readonly problem: string };

const UNANCHORED = RE2Set.UNANCHORED;

/** Compiles a path pattern, or says why not (syntax RE2 does not take, too long, too large). Never throws. */
export function compileRegexPath(pattern: string, options: RegexPathOptions): CompiledRegexPath {
  if (pattern.length === 0) return { ok: false, problem: "the pattern is empty" };
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, problem: `the pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  const flags = options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0;
  let anchored: RE2JS;
  try {
    anchored = RE2JS.compile(`^${pattern}`, flags);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { ok: false, problem: `the pattern is not one the edge's engine (RE2) takes: ${error.message.replace(/^error parsing regexp: /, "")} (RE2 has no backreferences or lookaround)` };
  }
  if (anchored.programSize() > MAX_PROGRAM_SIZE) {
    return { ok: false, problem: `the pattern is too large for the edge (${anchored.programSize()} RE2 instructions, at most ${MAX_PROGRAM_SIZE})` };
  }
  const groups = anchored.groupCount() + 1;
  // Compiled on first use: only a rule with a rewrite asks for captures, and each program costs memory.
  let plainEngine: ReturnType<RE2JS["re2"]> | null = null;
  // `^pattern` is searched for, as nginx does: `^a|b` is `(^a)|b`, which may match later in the path. (An anchored
  // run would stop sooner on a miss, but re2js steps an anchored run without its DFA's fast path: slower on paths.)
  const literal = hasTopLevelBar(pattern) ? "" : literalPrefixOf(pattern, options.ignoreCase);
  return {
    ok: true,
    regex: {
      pattern,
      test: (path) => anchored.test(path),
      captures: (path) => {
        // `^pattern` compiled, so `pattern` does: `^` adds no syntax and no group.
        plainEngine ??= RE2JS.compile(pattern, flags).re2();
        const [found, positions] = plainEngine.matchWithGroup(path, 0, path.length, UNANCHORED, groups);
        if (found !== true || !Array.isArray(positions)) return null;
        const out: string[] = [];
        for (let group = 0; group < groups; group++) {
          const start: unknown = positions[group * 2];
          const end: unknown = positions[group * 2 + 1];
          out.push(typeof start === "number" && typeof end === "number" && start >= 0 ? path.slice(start, end) : "");
        }
        return out;
      },
      literalPrefix: literal,
    },
  };
}

/** A pattern searched for anywhere in a text, with case: ngx.re.match without options. */
export interface RegexSearch {
  readonly pattern: string;
  test(text: string): boolean;
}

/**
 * Compiles a pattern to search for anywhere in a header value (ingress-nginx's `canary-by-header-pattern`, which
 * its balancer runs as `ngx.re.match(value, pattern)`), or says why not: the same engine and limits as paths.
 */
export function compileRegexSearch(pattern: string): { readonly ok: true; readonly regex: RegexSearch } | { readonly ok: false; readonly problem: string } {
  const compiled = compileRegexPath(pattern, { ignoreCase: false });
  if (!compiled.ok) return compiled;
  const engine = RE2JS.compile(pattern).re2();
  return { ok: true, regex: { pattern, test: (text) => engine.matchWithGroup(text, 0, text.length, UNANCHORED, 0)[0] === true } };
}

const META = new Set([..."\\.+*?()|[]{}^$"]);

/** True when the pattern has a `|` outside every group and class: an alternative to all that precedes it. */
function hasTopLevelBar(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") i++;
    else if (inClass) inClass = ch !== "]";
    else if (ch === "[") {
      inClass = true;
      // `[]a]` and `[^]a]`: a `]` first in a class is a member, not its end.
      if (pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
    } else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "|" && depth === 0) return true;
  }
  return false;
}

/**
 * The literal ASCII characters the pattern starts with, up to the first operator; the last is dropped when a
 * quantifier follows it (`/ab?` may match `/a`). Lower-cased when matched without case.
 */
function literalPrefixOf(pattern: string, ignoreCase: boolean): string {
  let prefix = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? "";
    if (META.has(ch) || ch.charCodeAt(0) > 0x7e || ch.charCodeAt(0) < 0x20) {
      if (ch === "?" || ch === "*" || ch === "{") prefix = prefix.slice(0, -1);
      return prefix;
    }
    prefix += ignoreCase ? ch.toLowerCase() : ch;
  }
  return prefix;
}
