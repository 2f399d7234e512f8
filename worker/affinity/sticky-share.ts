import type { RouteHit } from "../../core/match/match-request.ts";
import type { Backend } from "../../core/table/schema.ts";
import type { BackendPlan } from "../proxy/backend-plan.ts";
import { readCookie } from "./cookie-affinity.ts";

/**
 * Session persistence across an HTTPRoute rule's weighted backends: the request drew one share by weight, but
 * when the affinity cookie it carries names a Node of another share's backend (the cookie is an HMAC of backend,
 * Node and nodePort), that backend serves it, so a session stays on one backend as well as on one Node. Only the
 * drawn backend is planned for a request without the cookie, or whose cookie it recognises.
 */
export async function chooseStickyShare(
  shares: readonly RouteHit[],
  drawn: Backend,
  cookieHeader: string | null,
  plan: (backend: Backend) => BackendPlan | Promise<BackendPlan>,
): Promise<Backend> {
  const affinity = drawn.affinity;
  if (affinity?.mode !== "cookie") return drawn;
  const value = readCookie(cookieHeader, affinity.name);
  if (value === null || value === "") return drawn;
  if ((await plan(drawn)).cookies?.nodeByValue.has(value) === true) return drawn;
  for (const share of shares) {
    const backend = share.backend;
    if (backend === null || backend === drawn || backend.affinity?.mode !== "cookie" || backend.affinity.name !== affinity.name) continue;
    if ((await plan(backend)).cookies?.nodeByValue.has(value) === true) return backend;
  }
  return drawn;
}
