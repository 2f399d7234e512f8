/**
 * The HAProxy baseline, configured to do the work our worker does: round-robin onto the Nodes with cookie
 * stickiness, active health checks, and the X-Forwarded-* headers.
 */
export interface HaproxyConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  readonly nodePort: number;
  readonly cookieName: string;
}

export function renderHaproxyConfig(config: HaproxyConfig): string {
  const servers = config.nodes.map(
    (node) => `  server ${node.name} ${node.address}:${config.nodePort} check inter 2s fall 2 rise 2 cookie ${node.name}`,
  );
  return `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option forwardfor

frontend edge
  bind ${config.listen.host}:${config.listen.port}
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  default_backend nodes

backend nodes
  balance roundrobin
  cookie ${config.cookieName} insert indirect nocache httponly
  option httpchk GET /healthz
${servers.join("\n")}
`;
}
