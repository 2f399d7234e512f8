const NORMAL = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The host a request is routed by: lower case, without port or trailing dot. Returns null for a value that
 * cannot be a host name (so it can match nothing, not even by accident).
 */
export function normalizeHost(raw: string): string | null {
  // Most requests carry a host that is already normal: answer those without allocating.
  if (NORMAL.test(raw) && !raw.endsWith(".")) return raw;
  let host = raw.trim().toLowerCase();
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end > 0 ? host.slice(0, end + 1) : null;
  }
  const colon = host.indexOf(":");
  if (colon >= 0) {
    if (!/^\d*$/.test(host.slice(colon + 1))) return null;
    host = host.slice(0, colon);
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host === "" || !/^[a-z0-9._-]+$/.test(host)) return null;
  return host;
}
