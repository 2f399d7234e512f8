/** The segments a Prefix path matches element-wise: `/foo/bar/` → ["foo", "bar"]; `/` → []. */
export function splitPrefixPath(path: string): string[] {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? [] : trimmed.slice(1).split("/");
}

/** The parent domain a wildcard rule is keyed by: `*.foo.com` → `foo.com`; `a.foo.com` → `foo.com`. */
export function parentDomain(host: string): string | null {
  const dot = host.indexOf(".");
  return dot < 0 ? null : host.slice(dot + 1);
}
