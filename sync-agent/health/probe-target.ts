import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { ActiveCheck } from "../../core/health/list-health-checks.ts";

export type ProbeFailureCode =
  /** No TCP connection: refused, reset, unreachable. */
  | "CONNECT_FAILED"
  /** Connected, but the HTTP answer was not 2xx (kube-proxy answers 503 on a Node without a local endpoint). */
  | "HTTP_STATUS"
  /** Connected, but the answer was not HTTP, or the connection broke before a status line. */
  | "HTTP_PROTOCOL"
  /** No verdict within the timeout. */
  | "TIMEOUT"
  /** Stopped from outside (the check was removed or the checker stopped). */
  | "ABORTED";

export type ProbeResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: ProbeFailureCode; readonly message: string; readonly status?: number };

/** Runs one check once. Never rejects: every failure is a result. Must settle promptly once `signal` aborts. */
export type Probe = (check: ActiveCheck, signal: AbortSignal) => Promise<ProbeResult>;

const USER_AGENT = "edge-ingress-health-check";

/**
 * The real probe. TCP: a connection accepted on the port is a pass. HTTP: a fresh connection (no pooling, so a
 * dead Node cannot hide behind a kept-alive socket) and `GET path`, where only a 2xx status passes, as kube-proxy
 * and cloud load balancers read `/healthz`. The body is not read. A check on an HTTPS backend's nodePort speaks
 * HTTPS and does not verify the certificate: the probe asks whether the Node serves, not who it is (the agent dials
 * addresses, which certificates rarely name); the edge verifies the certificate on every request it sends.
 */
export const probeTarget: Probe = (check, signal) => (check.kind === "tcp" ? probeTcp(check, signal) : probeHttp(check, signal));

function probeTcp(check: ActiveCheck, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(aborted());
    const socket = connect({ host: check.address, port: check.port });
    const finish = (result: ProbeResult): void => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => finish({ ok: true }));
    socket.once("error", (error) => finish({ ok: false, code: "CONNECT_FAILED", message: describe(error) }));
  });
}

function probeHttp(check: Extract<ActiveCheck, { kind: "http" }>, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(aborted());
    let connected = false;
    const host = check.address.includes(":") ? `[${check.address}]` : check.address;
    const request = check.scheme === "https" ? httpsRequest : httpRequest;
    const req = request({
      // No SNI: an address is no server name, and nothing is verified (see above).
      ...(check.scheme === "https" ? { rejectUnauthorized: false } : {}),
      host: check.address,
      port: check.port,
      path: check.path,
      method: "GET",
      agent: false,
      headers: { host: `${host}:${check.port}`, "user-agent": USER_AGENT, accept: "*/*", connection: "close" },
    });
    const finish = (result: ProbeResult): void => {
      signal.removeEventListener("abort", onAbort);
      req.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    req.once("socket", (socket) => socket.once("connect", () => { connected = true; }));
    req.once("response", (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      finish(status >= 200 && status < 300
        ? { ok: true }
        : { ok: false, code: "HTTP_STATUS", status, message: `GET ${check.path} answered ${status}` });
    });
    req.once("error", (error) => finish({ ok: false, code: connected ? "HTTP_PROTOCOL" : "CONNECT_FAILED", message: describe(error) }));
    req.end();
  });
}

function aborted(): ProbeResult {
  return { ok: false, code: "ABORTED", message: "probe aborted" };
}

function describe(error: Error): string {
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
  return code === undefined || error.message.includes(code) ? error.message : `${code}: ${error.message}`;
}
