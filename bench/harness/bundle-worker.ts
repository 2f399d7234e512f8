import { mkdir, readdir, rm } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runToCompletion } from "./child-processes.ts";

export interface WorkerSource {
  /** The worker's entry file (TypeScript or JavaScript). */
  readonly entry: string;
  readonly compatibilityDate: string;
  readonly compatibilityFlags: readonly string[];
  /** A wrangler config to bundle with (its build rules, aliases, defines); none by default. */
  readonly wranglerConfig?: string;
}

export interface WorkerBundle {
  readonly directory: string;
  /** Module files in `directory`, entry first. */
  readonly modules: readonly string[];
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const wrangler = join(repoRoot, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * Bundles a worker exactly as a deploy would (`wrangler deploy --dry-run --outdir`), without uploading anything.
 * The entry is given on the command line so that any worker file can be measured. Wrangler runs in a scratch
 * directory so that it picks up no wrangler.toml (and its bindings) unless one is asked for.
 */
export async function bundleWorker(source: WorkerSource, directory: string): Promise<WorkerBundle> {
  const outDir = join(directory, "bundle");
  const scratch = join(directory, "wrangler-cwd");
  await rm(directory, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await mkdir(scratch, { recursive: true });
  const entry = resolve(repoRoot, source.entry);
  const name = basename(entry, extname(entry));
  const args = [
    wrangler, "deploy", entry, "--dry-run", "--outdir", outDir,
    "--name", `bench-${name.replace(/[^a-z0-9-]/gi, "-").toLowerCase()}`,
    "--compatibility-date", source.compatibilityDate,
  ];
  for (const flag of source.compatibilityFlags) args.push("--compatibility-flags", flag);
  if (source.wranglerConfig !== undefined) args.push("--config", resolve(repoRoot, source.wranglerConfig));
  await runToCompletion(`wrangler bundle ${source.entry}`, process.execPath, args, {
    cwd: scratch,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const files = await readdir(outDir);
  const entryFile = `${name}.js`;
  const scripts = files.filter((file) => /\.m?js$/.test(file));
  if (!scripts.includes(entryFile)) throw new Error(`wrangler wrote no ${entryFile} in ${outDir} (found: ${files.join(", ")})`);
  return { directory: outDir, modules: [entryFile, ...scripts.filter((file) => file !== entryFile).sort()] };
}
