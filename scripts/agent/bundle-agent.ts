/**
 * The agent's image holds one file: the CLI and the agent with every dependency bundled by esbuild, so that the
 * container needs no node_modules and no TypeScript loader (tsx writes a cache under the temp dir, which a
 * read-only root filesystem refuses).
 */
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The module the bundle starts from (what bin/edge-ingress.js loads through tsx). */
export const AGENT_ENTRY = "sync-agent/cli/entry.ts";
/** Where `npm run build:agent` writes the bundle, relative to the repository root. */
export const AGENT_BUNDLE = "dist/edge-ingress.mjs";

/**
 * CommonJS dependencies (client-node, prom-client, ws, node-fetch) call require() for Node's built-ins and for
 * optional packages inside try/catch; an ES module has no require, so the bundle makes one.
 */
const REQUIRE_SHIM = 'import { createRequire as createBundleRequire } from "node:module";\nconst require = createBundleRequire(import.meta.url);';

export interface AgentBundle {
  readonly outfile: string;
  readonly bytes: number;
  /** What esbuild put in (inputs) and left outside (each output's imports). */
  readonly metafile: Metafile;
}

/** Bundles the CLI and agent into `outfile` (an ES module for Node 20). Rejects with esbuild's errors. */
export async function bundleAgent(outfile: string): Promise<AgentBundle> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [AGENT_ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    banner: { js: REQUIRE_SHIM },
    // Smaller and quicker to parse; identifiers are kept so that stack traces still name functions.
    minifySyntax: true,
    minifyWhitespace: true,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.metafile.outputs[Object.keys(result.metafile.outputs)[0] ?? ""];
  return { outfile, bytes: output?.bytes ?? 0, metafile: result.metafile };
}
