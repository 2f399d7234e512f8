/**
 * nginx's `proxy_redirect default`, for backends reached by name: Workers' fetch() writes Host from the URL, so
 * a backend sees the target's own name and nodePort as its host, and one that builds absolute redirects from Host
 * (nginx's trailing-slash redirect, most frameworks unless told to trust X-Forwarded-Host) sends clients to
 * `http://<node>:<nodePort>/…` — around the edge, onto a port they may not reach. Such a Location, in any scheme
 * or scheme-relative, is pointed back at the scheme and host the client used. Null when it names somewhere else.
 */
export function rewriteLocation(location: string, upstreamAuthority: string, client: { readonly scheme: "http" | "https"; readonly host: string }): string | null {
  const authority = upstreamAuthority.toLowerCase();
  for (const prefix of [`http://${authority}`, `https://${authority}`, `//${authority}`]) {
    if (location.slice(0, prefix.length).toLowerCase() !== prefix) continue;
    const rest = location.slice(prefix.length);
    // "http://node:30080" must not match "http://node:300801/": the authority ends where the path, query or fragment starts.
    if (rest !== "" && !"/?#".includes(rest.charAt(0))) return null;
    return `${client.scheme}://${client.host}${rest}`;
  }
  return null;
}
