import { importOriginSigningKey, ORIGIN_TOKEN_HEADER, signOriginToken, type OriginSigningKey } from "../../core/origin/origin-token.ts";
import type { OriginTokenConfig } from "./origin-token-config.ts";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import type { Transport, UpstreamRequest } from "./transport.ts";

/**
 * Wraps any transport so each attempt carries a fresh origin token bound to its method, original host and path
 * (when configured), and never a token the client sent (always). The name stays the inner transport's.
 */
export function withOriginTokens(transport: Transport, config: OriginTokenConfig | null, now: () => number = () => Date.now()): Transport {
  // The imported key, once imported: a finished value, never the import's promise.
  let signing: OriginSigningKey | null = null;
  const sendSigned = async (target: ResolvedTarget, request: UpstreamRequest): Promise<Response> => {
    const headers = new Headers(request.headers);
    headers.delete(ORIGIN_TOKEN_HEADER);
    if (config !== null) {
      signing ??= await importOriginSigningKey(config.privateJwk);
      const query = request.pathAndQuery.indexOf("?");
      const path = query === -1 ? request.pathAndQuery : request.pathAndQuery.slice(0, query);
      const token = await signOriginToken(signing, { method: request.method, host: request.originalHost, path }, Math.floor(now() / 1000), { lifetimeSeconds: config.lifetimeSeconds });
      headers.set(ORIGIN_TOKEN_HEADER, token);
    }
    return transport.send(target, { ...request, headers });
  };
  return {
    name: transport.name,
    unreachableReason: (target) => transport.unreachableReason(target),
    // Without origin tokens there is only a client's forged token to drop: no copy, no extra step, when none came.
    send: (target, request) => (config === null && !request.headers.has(ORIGIN_TOKEN_HEADER) ? transport.send(target, request) : sendSigned(target, request)),
  };
}
