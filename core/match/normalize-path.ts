export type NormalizedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The path the edge matches and the backend receives: unreserved characters percent-decoded, other escapes with
 * upper-case hex, dot segments removed (RFC 3986 §6.2.2 and §5.2.4). Matching the normalised path, and forwarding
 * exactly it, means `/public/../admin` or `/public/%2e%2e/admin` cannot reach a backend under a rule that did not
 * match it. Encoded slashes stay encoded: `%2F` is data inside a segment, never a separator.
 */
export function normalizePath(raw: string): NormalizedPath {
  if (raw === "") return { ok: true, path: "/" };
  if (!raw.startsWith("/")) return { ok: false, reason: "path must start with /" };
  const decoded = raw.includes("%") ? decodeUnreserved(raw) : raw;
  if (decoded === null) return { ok: false, reason: "path has a malformed percent-escape" };
  return { ok: true, path: hasDotSegment(decoded) ? removeDotSegments(decoded) : decoded };
}

function decodeUnreserved(path: string): string | null {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch !== "%") {
      out += ch;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
    const decoded = String.fromCharCode(parseInt(hex, 16));
    out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

function hasDotSegment(path: string): boolean {
  return /\/\.\.?(?:\/|$)/.test(path);
}

/** RFC 3986 §5.2.4, for an absolute path. */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split("/").slice(1);
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === ".") {
      if (last) output.push("");
    } else if (segment === "..") {
      output.pop();
      if (last) output.push("");
    } else {
      output.push(segment);
    }
  });
  return `/${output.join("/")}`;
}
