import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { type ManagedProcess, startManagedProcess } from "./child-process.ts";
import { requestLocal } from "./local-request.ts";

export interface WranglerDevOptions {
  /** Repository root (where wrangler.toml is). */
  readonly root: string;
  readonly port: number;
  readonly protocol: "http" | "https";
  /** Vars and secrets for the worker, written to an env file (never on a command line, where `ps` shows them). */
  readonly vars: Readonly<Record<string, string>>;
  /** This instance's own files (its env file). */
  readonly stateDir: string;
  /** Wrangler's local persistence (KV): instances given the same folder share one KV namespace. */
  readonly kvDir: string;
  readonly tls?: { readonly keyPath: string; readonly certPath: string };
  readonly onLine?: (line: string) => void;
  readonly readyTimeoutMs?: number;
  /** Aborted: stop waiting, stop wrangler, and fail with STOPPED (a Ctrl-C during start-up). */
  readonly signal?: AbortSignal;
}

export interface WranglerDev {
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export class LocalStackError extends Error {
  constructor(readonly code: "EDGE_START_FAILED" | "EDGE_STATUS_FAILED" | "PORT_IN_USE" | "PORT_STILL_BOUND" | "MANIFESTS" | "NODE_START_FAILED" | "STOPPED", message: string) {
    super(message);
    this.name = "LocalStackError";
  }
}

/** Fails with STOPPED once `signal` is aborted: start-up steps call it between steps, so that nothing starts after a stop. */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new LocalStackError("STOPPED", "stopped during start-up");
}

/** The worker under `wrangler dev` with local KV, on loopback; resolves once it answers requests. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  await mkdir(options.stateDir, { recursive: true });
  const envFile = join(options.stateDir, "edge.env");
  await writeFile(envFile, Object.entries(options.vars).map(([key, value]) => `${key}='${value}'\n`).join(""), { mode: 0o600 });
  const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
  const args = [
    wrangler, "dev",
    "--ip", "127.0.0.1",
    "--port", String(options.port),
    "--local-protocol", options.protocol,
    "--env-file", envFile,
    "--persist-to", options.kvDir,
    "--show-interactive-dev-session=false",
    "--inspector-port", "0",
    "--log-level", "warn",
    ...(options.tls === undefined ? [] : ["--https-key-path", options.tls.keyPath, "--https-cert-path", options.tls.certPath]),
  ];
  const env = {
    ...process.env,
    // No internet here or in CI: don't wait for Request.cf or send telemetry.
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    NODE_TLS_REJECT_UNAUTHORIZED: process.env.NODE_TLS_REJECT_UNAUTHORIZED,
  };
  throwIfStopped(options.signal);
  const child = startManagedProcess(`wrangler dev (${options.protocol})`, process.execPath, args, {
    cwd: options.root,
    env,
    ...(options.onLine === undefined ? {} : { onLine: options.onLine }),
  });
  const url = `${options.protocol}://127.0.0.1:${options.port}`;
  try {
    await waitUntilAnswering(url, child, options.readyTimeoutMs ?? 90_000, options.signal);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, process: child, stop: () => child.stop() };
}

/** What wrangler prints when its port is taken; it keeps running (and something else answers on that port). */
const ADDRESS_IN_USE = /Address already in use/;

async function waitUntilAnswering(url: string, child: ManagedProcess, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: number | string | undefined;
  void child.exited.then((code) => { exit = code; });
  while (Date.now() < deadline) {
    throwIfStopped(signal);
    // Taken after the ports were checked: whatever answers there now is not this edge, and must not pass for it
    // (wrangler may go on running after saying so, or exit).
    if (ADDRESS_IN_USE.test(child.output())) throw new LocalStackError("PORT_IN_USE", `${child.name} could not listen on ${url}: address already in use`);
    if (exit !== undefined) throw new LocalStackError("EDGE_START_FAILED", `${child.name} exited (${String(exit)}) before serving ${url}:\n${child.output()}`);
    if (await answers(`${url}/.well-known/edge-ingress/status`, signal)) return;
    // Aborting ends the pause early; the next turn then throws STOPPED.
    await delay(200, undefined, signal === undefined ? {} : { signal }).catch(() => {});
  }
  throw new LocalStackError("EDGE_START_FAILED", `${child.name} did not serve ${url} within ${timeoutMs} ms:\n${child.output()}`);
}

/**
 * An answer of this worker (the status endpoint says 401 without a token, with the edge's request id): another
 * server that took the port after it was checked must not pass for the edge.
 */
function answers(url: string, signal: AbortSignal | undefined): Promise<boolean> {
  return requestLocal(url, { timeoutMs: 2_000, ...(signal === undefined ? {} : { signal }) }).then((answer) => answer.headers["x-edge-request-id"] !== undefined, () => false);
}
