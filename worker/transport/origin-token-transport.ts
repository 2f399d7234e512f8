import { importOriginSigningKey, ORIGIN_TOKEN_HEADER, signOriginToken, type OriginSigningKey } from "../../core/origin/origin-token.ts";
import type { OriginTokenConfig } from "./origin-token-config.ts";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import type { Transport, UpstreamRequest } from "./transport.ts";

/**
 * Wraps any transport so each attempt carries a fresh origin token bound to its method, original host and path.
 * Without a configuration there is nothing to add: the transport itself is returned (a token the client sent is
 * dropped with the other headers only the edge may set, see forward-headers.ts). The name stays the inner one's.
 */
export function withOriginTokens(transport: Transport, config: OriginTokenConfig | null, now: () => number = () => Date.now()): Transport {
  if (config === null) return transport;
  // The imported key, once imported: a finished value, never the import's promise.
  let signing: OriginSigningKey | null = null;
  const sendSigned = async (target: ResolvedTarget, request: UpstreamRequest): Promise<Response> => {
    signing ??= await importOriginSigningKey(config.privateJwk);
    const query = request.pathAndQuery.indexOf("?");
    const path = query === -1 ? request.pathAndQuery : request.pathAndQuery.slice(0, query);
    const token = await signOriginToken(signing, { method: request.method, host: request.originalHost, path }, Math.floor(now() / 1000), { lifetimeSeconds: config.lifetimeSeconds });
    return transport.send(target, {
      ...request,
      prepareHeaders: (headers) => {
        request.prepareHeaders(headers);
        headers.set(ORIGIN_TOKEN_HEADER, token);
      },
    });
  };
  return {
    name: transport.name,
    unreachableReason: (target) => transport.unreachableReason(target),
    send: sendSigned,
  };
}
