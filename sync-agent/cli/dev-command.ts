import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compileTable } from "../../core/compile/compile-table.ts";
import type { CompileOptions } from "../../core/compile/compile-options.ts";
import { loadManifestFolder, loadManifests } from "../manifests/load-manifests.ts";
import { selectTlsSecrets } from "../tls/select-tls-secrets.ts";
import { killEveryChild, stopEveryChild } from "../local/child-registry.ts";
import { waitUntilPortsFree } from "../local/local-ports.ts";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../local/local-stack.ts";
import { LocalStackError } from "../local/start-wrangler-dev.ts";
import { createLogger, type LogLevel } from "../observe/logger.ts";
import type { CommandIo } from "./command-io.ts";
import { listenForStop } from "./stop-signals.ts";
import { compileFlagSpec, readCompileFlags } from "./compile-flags.ts";
import { UsageError } from "./usage-error.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEMO = resolve(ROOT, "examples/demo");
/** How long a stopped edge's ports may take to be released before the stop is reported as unclean. */
const PORT_RELEASE_TIMEOUT_MS = 10_000;

export const devUsage = `edge-ingress dev [--manifests DIR] [--port 8787] [--https-port 8443 | --no-https] [--tls-secret NS/NAME] [compile flags]
  The whole edge on this machine: the worker under wrangler dev (local KV) on http://127.0.0.1:PORT and
  https://127.0.0.1:HTTPS-PORT (wrangler's local certificate), and the sync agent watching DIR and pushing signed
  tables to it. Without --manifests: the bundled demo (examples/demo) with three demo Nodes on 127.0.0.2-4;
  with it, Node addresses are used as given and no demo Nodes are started (--demo-nodes starts them anyway).
  --tls-secret NS/NAME: the https edge presents the certificate of that kubernetes.io/tls Secret from DIR.
  Ctrl-C (or SIGTERM, at any moment) stops everything; a second one kills what is still running.`;

const devFlagSpec = {
  ...compileFlagSpec,
  port: { type: "string", default: "8787" },
  "https-port": { type: "string", default: "8443" },
  "no-https": { type: "boolean", default: false },
  "demo-nodes": { type: "boolean", default: false },
  "tls-secret": { type: "string" },
  "log-level": { type: "string", default: "warn" },
} as const;

export async function runDev(args: readonly string[], io: CommandIo, signal?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: devFlagSpec, strict: true });
  } catch (error) {
    throw new UsageError([(error as Error).message]);
  }
  const flags = parsed.values;
  const problems: string[] = [];
  const bundled = flags.manifests === undefined && io.env.EDGE_MANIFESTS === undefined;
  const { source, options } = readCompileFlags(
    { ...flags, manifests: flags.manifests ?? io.env.EDGE_MANIFESTS ?? DEMO },
    io.env.EDGE_INGRESS_CLASS === undefined ? {} : { EDGE_INGRESS_CLASS: io.env.EDGE_INGRESS_CLASS },
    problems,
  );
  if (source?.kind !== "manifests") problems.push("dev runs on a manifests folder (--manifests DIR); --kubeconfig is for sync");
  const port = readPort("--port", flags.port, problems);
  const httpsPort = flags["no-https"] ? null : readPort("--https-port", flags["https-port"], problems);
  if (httpsPort !== null && httpsPort === port) problems.push("--port and --https-port must differ");
  const level = flags["log-level"];
  if (!["debug", "info", "warn", "error"].includes(level)) problems.push(`--log-level "${level}" must be debug, info, warn or error`);
  if (problems.length > 0 || source?.kind !== "manifests") throw new UsageError(problems);

  const manifests = resolve(source.dir);
  const tls = flags["tls-secret"] === undefined ? undefined : await readLocalCertificate(manifests, flags["tls-secret"], options);
  const logger = createLogger({ level: level as LogLevel, write: io.stderr });
  // From before the first child is spawned until the last is gone: a signal that killed the CLI before it stopped
  // its children would leave them running (they lead process groups of their own, which a Ctrl-C does not reach).
  const stop = listenForStop({ ...(signal === undefined ? {} : { signal }), onRepeat: killEveryChild });
  try {
    io.stdout(`Starting the local edge (wrangler dev takes a few seconds)…\n`);
    const stack = await startStack(stop.signal, {
      root: ROOT,
      manifests,
      httpPort: port,
      httpsPort,
      demoNodes: bundled || flags["demo-nodes"],
      compile: options,
      logger,
      ...(tls === undefined ? {} : { tls }),
      onEdgeLine: (line) => {
        if (/error|✘/i.test(line)) io.stderr(`[edge] ${line}\n`);
      },
    });
    if (stack !== null && !stop.signal.aborted) io.stdout(await describeStack(stack, manifests, bundled, options));
    await stop.requested;
    io.stdout("Stopping…\n");
    await stack?.stop();
  } finally {
    // Whatever start-up left registered (it stops what it started, but a failure may have come first).
    await stopEveryChild();
    stop.dispose();
  }
  const ports = [{ address: "127.0.0.1", port, what: "edge (http)" }, ...(httpsPort === null ? [] : [{ address: "127.0.0.1", port: httpsPort, what: "edge (https)" }])];
  const taken = await waitUntilPortsFree(ports, PORT_RELEASE_TIMEOUT_MS);
  if (taken.length > 0) throw new LocalStackError("PORT_STILL_BOUND", `stopped, but still in use after ${PORT_RELEASE_TIMEOUT_MS} ms: ${taken.join(", ")}`);
  return 0;
}

/** The stack, or null when a stop request came first (start-up then stops what it started and fails STOPPED). */
async function startStack(signal: AbortSignal, options: Omit<LocalStackOptions, "signal">): Promise<LocalStack | null> {
  try {
    return await startLocalStack({ ...options, signal });
  } catch (error) {
    if (signal.aborted) return null;
    throw error;
  }
}

/** The certificate of a kubernetes.io/tls Secret in the folder that a served Ingress names, for the https edge. */
async function readLocalCertificate(manifests: string, id: string, options: CompileOptions): Promise<{ certPem: string; keyPem: string }> {
  const folder = await loadManifestFolder(manifests, { secrets: true });
  const { served, gateway } = compileTable(folder.cluster, options);
  const selection = selectTlsSecrets(folder.cluster.ingresses, served, folder.secrets, gateway.certificates);
  const found = selection.secrets.find((secret) => secret.id === id);
  if (found !== undefined) return { certPem: found.certPem, keyPem: found.keyPem };
  const problem = selection.problems.find((p) => p.secret === id);
  const known = selection.secrets.map((secret) => secret.id);
  throw new UsageError([
    `--tls-secret ${id}: ${problem?.reason ?? "no served Ingress names this Secret in spec.tls"}${known.length === 0 ? "" : ` (usable: ${known.join(", ")})`}`,
  ]);
}

function readPort(name: string, text: string, problems: string[]): number {
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) problems.push(`${name} "${text}" is not a port number`);
  return port;
}

/** The banner: where the edge listens and a few lines to paste, built from the routes actually served. */
async function describeStack(stack: LocalStack, manifests: string, bundled: boolean, options: CompileOptions): Promise<string> {
  const table = compileTable(await loadManifests(manifests), options).content;
  const tlsHosts = new Set(table.tls.map((t) => t.host));
  const hosts = table.hosts.filter((h) => h.host !== "" && !h.host.startsWith("*."));
  const sticky = table.hosts.flatMap((h) => h.rules.map((r) => ({ host: h.host, rule: r }))).find(({ host, rule }) => host !== "" && table.backends.find((b) => b.id === rule.backend)?.affinity?.mode === "cookie");
  const base = (host: string): string => (tlsHosts.has(host) && stack.httpsUrl !== null ? stack.httpsUrl : stack.httpUrl);
  const curl = (host: string, path: string, extra = ""): string => `curl -sk${extra} -H 'Host: ${host}' ${base(host)}${path}`;
  const lines = [
    "",
    "edge-ingress is running.",
    `  edge (http):   ${stack.httpUrl}`,
    ...(stack.httpsUrl === null ? [] : [`  edge (https):  ${stack.httpsUrl}   (wrangler's local certificate: curl -k)`]),
    `  manifests:     ${manifests}${bundled ? "   (the bundled demo; demo Nodes on 127.0.0.2-4)" : ""}   — edits take effect at once`,
    "",
    "Try:",
    ...hosts.slice(0, 2).map((h) => `  ${curl(h.host, h.rules[0]?.path ?? "/")}`),
    ...(hosts[0] === undefined || !tlsHosts.has(hosts[0].host) ? [] : [`  curl -si -H 'Host: ${hosts[0].host}' ${stack.httpUrl}/   # plain http to a TLS host: 308 to https`]),
    ...(sticky === undefined ? [] : [`  for i in 1 2 3; do ${curl(sticky.host, sticky.rule.path, " -c /tmp/edge-jar -b /tmp/edge-jar")} | grep '"node"'; done   # sticky: one node`]),
    ...(hosts[0] === undefined ? [] : [`  npm run --silent edge-ingress -- explain --manifests ${manifests} http://${hosts[0].host}/`]),
    "",
    "Ctrl-C stops everything.",
    "",
  ];
  return `${lines.join("\n")}\n`;
}
