import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { type Logger, silentLogger } from "./logger.ts";

/** What `/readyz` reports: ready, or why not (e.g. "caches not synced", "last publish failed: …"). */
export interface Readiness {
  readonly ready: boolean;
  readonly reasons?: readonly string[];
}

export interface ObserveServerOptions {
  /** TCP port; 0 picks a free one (tests), which `ObserveServer.port` then tells. */
  readonly port: number;
  /** Address to bind; absent = every address (what kubelet probes and Prometheus scrapes need in a Pod). */
  readonly host?: string;
  /** Served on `/metrics` in the Prometheus text format. */
  readonly registry: Registry;
  /** Asked on every `/readyz`: keep it cheap. A throw counts as not ready. */
  readonly readiness: () => Readiness | Promise<Readiness>;
  readonly logger?: Logger;
}

export interface ObserveServer {
  /** The port actually bound. */
  readonly port: number;
  /** Stops listening and drops open connections (kept-alive scrapes must not hold up shutdown). */
  close(): Promise<void>;
}

/** The server could not start (port taken, address not local): misconfiguration, reported at start-up. */
export class ObserveServerError extends Error {
  readonly code = "OBSERVE_LISTEN";
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "ObserveServerError";
  }
}

/**
 * The agent's own HTTP endpoints: `/metrics` for Prometheus, `/healthz` for the liveness probe (the process
 * answers), `/readyz` for the readiness probe (the caller's judgement). GET and HEAD only; no request logs.
 */
export async function startObserveServer(options: ObserveServerOptions): Promise<ObserveServer> {
  const logger = options.logger ?? silentLogger;
  const server = createServer((req, res) => {
    handle(req, res, options, logger).catch((error: unknown) => {
      logger.log("error", "observe.request_failed", { path: req.url, error });
      if (!res.headersSent) send(res, req, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: options.port, ...(options.host === undefined ? {} : { host: options.host }) }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    const where = `${options.host ?? ""}:${options.port}`;
    const code = error instanceof Error && "code" in error ? String(error.code) : "error";
    throw new ObserveServerError(`cannot serve /metrics, /healthz and /readyz on ${where}: ${code}`, { cause: error });
  }
  const { port } = server.address() as AddressInfo;
  logger.log("info", "observe.listening", { port, ...(options.host === undefined ? {} : { host: options.host }) });
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ObserveServerOptions, logger: Logger): Promise<void> {
  const path = new URL(req.url ?? "/", "http://observe").pathname;
  if (path !== "/metrics" && path !== "/healthz" && path !== "/readyz") {
    send(res, req, 404, "text/plain; charset=utf-8", "not found: try /metrics, /healthz or /readyz\n");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    send(res, req, 405, "text/plain; charset=utf-8", "method not allowed\n");
    return;
  }
  if (path === "/healthz") {
    send(res, req, 200, "text/plain; charset=utf-8", "ok\n");
    return;
  }
  if (path === "/metrics") {
    send(res, req, 200, options.registry.contentType, await options.registry.metrics());
    return;
  }
  const readiness = await askReadiness(options.readiness, logger);
  const body = readiness.ready ? { ready: true } : { ready: false, reasons: readiness.reasons ?? [] };
  send(res, req, readiness.ready ? 200 : 503, "application/json", `${JSON.stringify(body)}\n`);
}

async function askReadiness(readiness: ObserveServerOptions["readiness"], logger: Logger): Promise<Readiness> {
  try {
    return await readiness();
  } catch (error) {
    logger.log("error", "observe.readiness_failed", { error });
    return { ready: false, reasons: [`readiness check failed: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}
