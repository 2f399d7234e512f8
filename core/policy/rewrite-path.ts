import type { RegexPath } from "../match/regex-path.ts";

/** What the backend gets in place of the path it was asked for. */
export interface RewrittenPath {
  readonly path: string;
  /** `X-Forwarded-Prefix` when the Ingress asks for it; null when not. */
  readonly upstreamHeaders: readonly (readonly [string, string])[] | null;
}

/** One rule's `rewrite-target`, made ready once per table: the normalised path in, what to forward out. */
export type RewriteStep = (path: string) => RewrittenPath;

type Part = string | number;

/**
 * ingress-nginx's `rewrite "(?i)pattern" target break;` (buildProxyPass): the pattern's leftmost match in the path
 * gives `$1`…`$9` (a group that took no part, or beyond the pattern's groups, is empty), and the whole path becomes
 * the target with them filled in; the query is the caller's to keep, as nginx keeps `$args`. `forwardedPrefix`
 * (`x-forwarded-prefix`, with the same captures) is sent only here, where the path is rewritten, as there. The
 * rule matched, so the pattern does; if it did not, the path is forwarded as it came. Pure.
 */
export function compileRewrite(regex: RegexPath, target: string, forwardedPrefix: string | null): RewriteStep {
  const targetParts = splitCaptures(target);
  const prefixParts = forwardedPrefix === null ? null : splitCaptures(forwardedPrefix);
  return (path) => {
    const groups = regex.captures(path);
    if (groups === null) return { path, upstreamHeaders: null };
    return {
      path: fill(targetParts, groups),
      upstreamHeaders: prefixParts === null ? null : [["x-forwarded-prefix", fill(prefixParts, groups)]],
    };
  };
}

/** Literal text and capture numbers: nginx reads `$` and one digit, 1 to 9, so `$12` is `$1` then `2`. */
function splitCaptures(text: string): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (const match of text.matchAll(/\$([1-9])/g)) {
    if (match.index > at) parts.push(text.slice(at, match.index));
    parts.push(Number(match[1]));
    at = match.index + 2;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

function fill(parts: readonly Part[], groups: readonly string[]): string {
  let out = "";
  for (const part of parts) out += typeof part === "string" ? part : groups[part] ?? "";
  return out;
}
