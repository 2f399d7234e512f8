/**
 * The Cap'n Proto text config that `workerd serve` runs: one worker built from a wrangler bundle, listening on
 * one loopback socket, whose fetch() may reach loopback only (the "local" network class), plus its bindings.
 */
export type WorkerBinding =
  | { readonly kind: "text"; readonly name: string; readonly value: string }
  /** A binding the worker sees as the parsed value, like a non-string wrangler `[vars]` entry. */
  | { readonly kind: "json"; readonly name: string; readonly json: string }
  /**
   * A KV namespace backed by a directory: workerd turns `get(key)` into `GET /<key>` on the namespace's service,
   * and a disk service answers that with the file named `key`. Read-only; enough for a worker reading its table.
   */
  | { readonly kind: "kv-directory"; readonly name: string; readonly directory: string };

export interface WorkerdConfig {
  /** Module file names, relative to the directory the config is written to; the first is the entry point. */
  readonly modules: readonly string[];
  readonly compatibilityDate: string;
  readonly compatibilityFlags: readonly string[];
  readonly bindings: readonly WorkerBinding[];
  readonly listen: { readonly host: string; readonly port: number };
  /** V8's own command-line flags, for the whole process; none by default (as deployed). */
  readonly v8Flags?: readonly string[];
}

export function renderWorkerdConfig(config: WorkerdConfig): string {
  const modules = config.modules.map((file) => `(name = ${quote(file)}, esModule = embed ${quote(file)})`);
  const bindings = config.bindings.map((binding, index) => {
    switch (binding.kind) {
      case "text":
        return `(name = ${quote(binding.name)}, text = ${quote(binding.value)})`;
      case "json":
        return `(name = ${quote(binding.name)}, json = ${quote(binding.json)})`;
      case "kv-directory":
        return `(name = ${quote(binding.name)}, kvNamespace = ${quote(kvServiceName(index))})`;
    }
  });
  const kvServices = config.bindings.flatMap((binding, index) =>
    binding.kind === "kv-directory"
      ? [`(name = ${quote(kvServiceName(index))}, disk = (path = ${quote(binding.directory)}, writable = false))`]
      : [],
  );
  const services = [
    `(name = "main", worker = .mainWorker)`,
    `(name = "loopback", network = (allow = ["local"]))`,
    ...kvServices,
  ];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (${v8FlagsLine(config.v8Flags ?? [])}
  services = [
    ${services.join(",\n    ")},
  ],
  sockets = [
    (name = "http", address = ${quote(`${config.listen.host}:${config.listen.port}`)}, http = (), service = "main"),
  ],
);

const mainWorker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")},
  ],
  compatibilityDate = ${quote(config.compatibilityDate)},
  compatibilityFlags = [${config.compatibilityFlags.map(quote).join(", ")}],
  bindings = [
    ${bindings.join(",\n    ")}
  ],
  globalOutbound = "loopback",
);
`;
}

function v8FlagsLine(flags: readonly string[]): string {
  return flags.length === 0 ? "" : `\n  v8Flags = [${flags.map(quote).join(", ")}],`;
}

function kvServiceName(index: number): string {
  return `kv-${index}`;
}

/** A Cap'n Proto text literal (C-style escapes). */
function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}
