import { existsSync } from "node:fs";

/** What a benchmark needs from a wrangler config to serve the worker as a deploy would. */
export interface WranglerSettings {
  readonly main?: string;
  readonly compatibilityDate?: string;
  readonly compatibilityFlags: readonly string[];
  /** `[vars]`: strings become text bindings, anything else a JSON binding. */
  readonly vars: Readonly<Record<string, unknown>>;
}

/**
 * Reads the config with wrangler's own reader, so that TOML, JSONC and inheritance rules are wrangler's.
 * Imported on demand: wrangler's bundle takes seconds of CPU to load.
 */
export async function readWranglerConfig(path: string): Promise<WranglerSettings> {
  if (!existsSync(path)) throw new Error(`no wrangler config at ${path}`);
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: path }, { hideWarnings: true });
  return {
    ...(config.main === undefined ? {} : { main: config.main }),
    ...(config.compatibility_date === undefined ? {} : { compatibilityDate: config.compatibility_date }),
    compatibilityFlags: config.compatibility_flags,
    vars: config.vars,
  };
}
