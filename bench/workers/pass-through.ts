/**
 * The floor for the proxy benchmark: a Worker that does nothing but forward each request to one of its targets,
 * round-robin, with fetch(). Whatever our worker costs beyond this is routing, balancing and header work.
 * `TARGETS`: comma-separated origins, e.g. `http://127.0.0.2:8080,http://127.0.0.3:8080`.
 */
interface PassThroughEnv {
  readonly TARGETS: string;
}

let next = 0;
let parsedFrom = "";
let origins: readonly string[] = [];

export default {
  async fetch(request: Request, env: PassThroughEnv): Promise<Response> {
    if (env.TARGETS !== parsedFrom) {
      origins = env.TARGETS.split(",").map((origin) => origin.trim()).filter(Boolean);
      parsedFrom = env.TARGETS;
    }
    const origin = origins[next % origins.length];
    if (origin === undefined) return new Response("no targets\n", { status: 503 });
    next = (next + 1) % origins.length;
    const url = new URL(request.url);
    return fetch(new Request(`${origin}${url.pathname}${url.search}`, request));
  },
};
