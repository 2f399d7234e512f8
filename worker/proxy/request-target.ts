/** The parts of a request's URL the edge routes and forwards by. */
export interface RequestTarget {
  readonly scheme: "http" | "https";
  /** The authority as the URL has it: host name or `[v6]`, with `:port` when not the scheme's default. */
  readonly host: string;
  /** The port the client used: explicit, or the scheme's default. */
  readonly port: string;
  /** The path as received, percent-escapes and all; at least "/". */
  readonly path: string;
  /** The query with its `?`, or "". */
  readonly search: string;
}

/**
 * Reads `request.url`. The runtime hands it over already serialized by its URL parser — `scheme://authority/path`
 * then `?query` — so plain string searches read it exactly, for a fraction of what `new URL()` and its getters
 * cost per request (each getter is a call into the runtime). Anything not in that form (user info, a fragment, a
 * scheme other than http or https) goes through `URL`, the reference.
 */
export function readRequestTarget(url: string): RequestTarget | null {
  const scheme = url.startsWith("https://") ? "https" : url.startsWith("http://") ? "http" : null;
  if (scheme !== null && !url.includes("#")) {
    const start = scheme.length + 3;
    const slash = url.indexOf("/", start);
    const authority = slash < 0 ? "" : url.slice(start, slash);
    if (authority !== "" && !authority.includes("@") && !authority.includes("?")) {
      const question = url.indexOf("?", slash);
      return {
        scheme,
        host: authority,
        port: portOf(authority, scheme),
        path: question < 0 ? url.slice(slash) : url.slice(slash, question),
        // As URL's `search`: a bare "?" is no query.
        search: question < 0 || question === url.length - 1 ? "" : url.slice(question),
      };
    }
  }
  return readWithUrl(url);
}

function portOf(authority: string, scheme: "http" | "https"): string {
  const colon = authority.lastIndexOf(":");
  // A colon inside `[v6]` is no port separator.
  if (colon < 0 || colon < authority.lastIndexOf("]")) return scheme === "https" ? "443" : "80";
  return authority.slice(colon + 1);
}

function readWithUrl(raw: string): RequestTarget | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const scheme = url.protocol === "https:" ? "https" : url.protocol === "http:" ? "http" : null;
  if (scheme === null) return null;
  return { scheme, host: url.host, port: url.port === "" ? (scheme === "https" ? "443" : "80") : url.port, path: url.pathname, search: url.search };
}
