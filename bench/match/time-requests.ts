import { matchRequest, type CompiledRoutes } from "../../core/match/match-request.ts";

export interface RequestTiming {
  /** One pass over the requests; returns how many were routed, so that the work cannot be optimised away. */
  readonly run: () => number;
  /** One pass timing each request on its own (timer cost included), into `into`. */
  readonly timeEach: (into: number[]) => number;
}

/** Passes of `matchRequest` exactly as the worker calls it over a case's requests, whole or one by one. */
export function timeRequests(routes: CompiledRoutes, requests: readonly { readonly host: string; readonly path: string }[]): RequestTiming {
  return {
    run: () => {
      let routed = 0;
      for (const request of requests) if (matchRequest(routes, { scheme: "https", host: request.host, path: request.path }).kind === "route") routed++;
      return routed;
    },
    timeEach: (into) => {
      let routed = 0;
      for (const request of requests) {
        const start = process.hrtime.bigint();
        const decision = matchRequest(routes, { scheme: "https", host: request.host, path: request.path });
        into.push(Number(process.hrtime.bigint() - start));
        if (decision.kind === "route") routed++;
      }
      return routed;
    },
  };
}
