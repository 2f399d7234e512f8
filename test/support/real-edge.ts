import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { fileURLToPath } from "node:url";
import { readWranglerConfig } from "../../bench/harness/read-wrangler-config.ts";

/** The real edge worker in workerd (through Miniflare), with local KV: what agent tests push to. */
export interface RealEdge {
  readonly url: string;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
let bundled: Promise<string> | undefined;

/** The worker bundled once per test process, as wrangler would: ES modules, Cloudflare's own imports kept. */
function bundleWorker(): Promise<string> {
  bundled ??= build({
    entryPoints: [`${root}worker/index.ts`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    write: false,
    logLevel: "silent",
  }).then((result) => result.outputFiles[0]?.text ?? "");
  return bundled;
}

/** Starts the worker with wrangler.toml's vars, this push key and IP targets allowed (loopback Nodes). */
export async function startRealEdge(options: { pushPublicJwk: object; vars?: Record<string, string> }): Promise<RealEdge> {
  const config = await readWranglerConfig(`${root}wrangler.toml`);
  const vars = Object.fromEntries(Object.entries(config.vars).map(([name, value]) => [name, String(value)]));
  const edge = new Miniflare({
    modules: [{ type: "ESModule", path: `${root}worker/index.mjs`, contents: await bundleWorker() }],
    ...(config.compatibilityDate === undefined ? {} : { compatibilityDate: config.compatibilityDate }),
    compatibilityFlags: [...config.compatibilityFlags],
    kvNamespaces: ["TABLE_KV"],
    bindings: { ...vars, EDGE_ALLOW_IP_TARGETS: "true", EDGE_TABLE_REFRESH_MS: "0", EDGE_PUSH_PUBLIC_JWK: JSON.stringify(options.pushPublicJwk), ...options.vars },
    host: "127.0.0.1",
    port: 0,
  });
  const url = await edge.ready;
  return { url: url.origin, stop: () => edge.dispose() };
}
