import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { TableHead } from "../../core/table/table-head.ts";
import { readWranglerConfig } from "./read-wrangler-config.ts";

/** The worker's version pointer binding and class (wrangler.toml). */
const POINTER_BINDING = "TABLE_POINTER";
const POINTER_CLASS = "TablePointer";

/**
 * State several edge processes share, as every deployed location shares one KV namespace and one Durable Object:
 * KV's files in one folder (`kvPersist`), and the pointer held by one process (`pointerHost`) that the others reach
 * through Miniflare's dev registry, as a location reaches the one object wherever it lives. Only the pointer's host
 * should take pushes: two workerd processes writing the same KV files at once may meet on SQLite's lock.
 */
export interface SharedEdgeState {
  readonly dir: string;
  /** Name of the edge process that holds the TABLE_POINTER object. */
  readonly pointerHost: string;
}

export interface EdgeProcessOptions {
  readonly pushPublicJwk: object;
  /** Over wrangler.toml's vars, after IP targets are allowed (loopback Nodes). */
  readonly vars?: Readonly<Record<string, string>>;
  /** The worker's name; distinct per process sharing a registry. */
  readonly name?: string;
  /** Bind TABLE_POINTER (with `shared`, the pointer host's; alone, an object of this process). Default: none (KV head). */
  readonly pointer?: boolean;
  /** Absent: KV and pointer live in this process's memory. */
  readonly shared?: SharedEdgeState;
  /** Drop the worker's stdout (its info logs); stderr is kept. */
  readonly quiet?: boolean;
}

/** The real edge worker in a workerd process of its own (through Miniflare): its own isolate, its own caches. */
export interface EdgeProcess {
  readonly name: string;
  readonly url: string;
  /** This process's KV namespace, from Node (with `shared`, everyone's). */
  kv(): ReturnType<Miniflare["getKVNamespace"]>;
  /** The version pointer, from Node; only in the process that holds it. */
  pointer(): Promise<{ read(): Promise<TableHead | null>; advance(next: TableHead): Promise<{ readonly accepted: boolean }> }>;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
let bundled: Promise<string> | undefined;

/** The worker bundled once per process, as wrangler would: ES modules, Cloudflare's own imports kept. */
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

/** Starts the worker with wrangler.toml's compatibility settings and vars, this push key and IP targets allowed. */
export async function startEdgeProcess(options: EdgeProcessOptions): Promise<EdgeProcess> {
  const config = await readWranglerConfig(`${root}wrangler.toml`);
  const vars = Object.fromEntries(Object.entries(config.vars).map(([name, value]) => [name, String(value)]));
  const name = options.name ?? "edge-ingress";
  const shared = options.shared;
  const hostsPointer = options.pointer === true && (shared === undefined || shared.pointerHost === name);
  const pointer = options.pointer !== true
    ? {}
    : { durableObjects: { [POINTER_BINDING]: hostsPointer ? { className: POINTER_CLASS, useSQLite: true } : { className: POINTER_CLASS, scriptName: shared?.pointerHost ?? name, useSQLite: true } } };
  const persistence = shared === undefined
    ? {}
    : {
      kvPersist: join(shared.dir, "kv"),
      unsafeDevRegistryPath: join(shared.dir, "registry"),
      unsafeDevRegistryDurableObjectProxy: true,
      ...(hostsPointer ? { durableObjectsPersist: join(shared.dir, "pointer") } : {}),
    };
  const edge = new Miniflare({
    name,
    modules: [{ type: "ESModule", path: `${root}worker/index.mjs`, contents: await bundleWorker() }],
    ...(config.compatibilityDate === undefined ? {} : { compatibilityDate: config.compatibilityDate }),
    compatibilityFlags: [...config.compatibilityFlags],
    kvNamespaces: { TABLE_KV: "table" },
    ...pointer,
    ...persistence,
    bindings: { ...vars, EDGE_ALLOW_IP_TARGETS: "true", EDGE_TABLE_REFRESH_MS: "0", EDGE_PUSH_PUBLIC_JWK: JSON.stringify(options.pushPublicJwk), ...options.vars },
    host: "127.0.0.1",
    port: 0,
    ...(options.quiet === true ? { handleRuntimeStdio: (stdout: Readable, stderr: Readable) => { stdout.resume(); stderr.pipe(process.stderr); } } : {}),
  });
  const url = await edge.ready.catch(async (error: unknown) => {
    await edge.dispose().catch(() => {});
    throw error;
  });
  return {
    name,
    url: url.origin,
    kv: () => edge.getKVNamespace("TABLE_KV"),
    async pointer() {
      if (!hostsPointer) throw new Error(`edge ${name} does not hold the version pointer`);
      const namespace = await edge.getDurableObjectNamespace(POINTER_BINDING);
      const stub = namespace.get(namespace.idFromName("table")) as unknown as { read(): Promise<TableHead | null>; advance(next: TableHead): Promise<{ accepted: boolean }> };
      return {
        // Results come back as proxies of the object's values: copied into plain values here.
        read: async () => JSON.parse(JSON.stringify(await stub.read())) as TableHead | null,
        advance: async (next) => ({ accepted: (await stub.advance(next)).accepted }),
      };
    },
    stop: () => edge.dispose(),
  };
}
