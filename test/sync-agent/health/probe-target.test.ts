import { afterEach, describe, expect, it } from "vitest";
import type { ActiveCheck } from "../../../core/health/list-health-checks.ts";
import { probeTarget } from "../../../sync-agent/health/probe-target.ts";
import { freePort, type LoopbackServer, startHangingServer, startHttpServer, startHttpsServer, startTcpServer } from "./loopback-servers.ts";

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function started(server: Promise<LoopbackServer>): Promise<LoopbackServer> {
  const s = await server;
  servers.push(s);
  return s;
}

function tcp(address: string, port: number): ActiveCheck {
  return { key: `tcp://${address}:${port}`, kind: "tcp", address, port, nodes: ["node"] };
}

function http(address: string, port: number, path: string, scheme: "http" | "https" = "http"): ActiveCheck {
  return { key: `${scheme}://${address}:${port}${path}`, kind: "http", address, port, path, scheme, nodes: ["node"] };
}

const never = new AbortController().signal;

describe("probeTarget over TCP", () => {
  it("passes when the nodePort accepts a connection", async () => {
    const server = await started(startTcpServer("127.0.0.2"));
    expect(await probeTarget(tcp("127.0.0.2", server.port), never)).toEqual({ ok: true });
    expect(server.connections()).toBe(1);
  });

  it("fails with CONNECT_FAILED when nothing listens", async () => {
    const port = await freePort("127.0.0.3");
    const result = await probeTarget(tcp("127.0.0.3", port), never);
    expect(result).toMatchObject({ ok: false, code: "CONNECT_FAILED" });
    expect(result.ok ? "" : result.message).toContain("ECONNREFUSED");
  });

  it("answers ABORTED at once for an aborted signal", async () => {
    const server = await started(startTcpServer("127.0.0.2"));
    expect(await probeTarget(tcp("127.0.0.2", server.port), AbortSignal.abort())).toMatchObject({ ok: false, code: "ABORTED" });
  });
});

describe("probeTarget over HTTP", () => {
  it("passes on a 2xx answer to GET of the check's path, with the target as Host and no kept-alive connection", async () => {
    let status = 200;
    const server = await started(startHttpServer("127.0.0.2", () => status));
    const check = http("127.0.0.2", server.port, "/healthz");
    expect(await probeTarget(check, never)).toEqual({ ok: true });
    status = 204;
    expect(await probeTarget(check, never)).toEqual({ ok: true });
    expect(server.requests).toEqual(["/healthz", "/healthz"]);
    expect(server.headers[0]).toEqual({ host: `127.0.0.2:${server.port}`, connection: "close" });
    expect(server.connections()).toBe(2);
  });

  it("fails with HTTP_STATUS on 503, what kube-proxy answers on a Node without a local endpoint", async () => {
    const server = await started(startHttpServer("127.0.0.3", () => 503));
    expect(await probeTarget(http("127.0.0.3", server.port, "/healthz"), never)).toEqual({
      ok: false,
      code: "HTTP_STATUS",
      status: 503,
      message: "GET /healthz answered 503",
    });
  });

  it("does not follow redirects: a 3xx fails", async () => {
    const server = await started(startHttpServer("127.0.0.3", () => 302));
    expect(await probeTarget(http("127.0.0.3", server.port, "/ready"), never)).toMatchObject({ ok: false, code: "HTTP_STATUS", status: 302 });
  });

  it("sends the annotation's path as written, query included", async () => {
    const server = await started(startHttpServer("127.0.0.4", () => 200));
    await probeTarget(http("127.0.0.4", server.port, "/ready?deep=1"), never);
    expect(server.requests).toEqual(["/ready?deep=1"]);
  });

  it("fails with CONNECT_FAILED when nothing listens", async () => {
    const port = await freePort("127.0.0.3");
    expect(await probeTarget(http("127.0.0.3", port, "/healthz"), never)).toMatchObject({ ok: false, code: "CONNECT_FAILED" });
  });

  it("fails with HTTP_PROTOCOL when the port speaks something else than HTTP", async () => {
    const server = await started(startTcpServer("127.0.0.2"));
    expect(await probeTarget(http("127.0.0.2", server.port, "/healthz"), never)).toMatchObject({ ok: false, code: "HTTP_PROTOCOL" });
  });

  it("gives up a server that never answers as soon as its signal aborts", async () => {
    const server = await started(startHangingServer("127.0.0.4"));
    const controller = new AbortController();
    const result = probeTarget(http("127.0.0.4", server.port, "/healthz"), controller.signal);
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    expect(await result).toMatchObject({ ok: false, code: "ABORTED" });
  });
});

describe("probeTarget over HTTPS (a check on an HTTPS backend's nodePort)", () => {
  it("passes on a 2xx answer over TLS without verifying the certificate: it asks whether the Node serves, not who it is", async () => {
    const server = await started(startHttpsServer("127.0.0.2", () => 200));
    expect(await probeTarget(http("127.0.0.2", server.port, "/ready", "https"), never)).toEqual({ ok: true });
    expect(server.requests).toEqual(["/ready"]);
    expect(server.headers[0]).toEqual({ host: `127.0.0.2:${server.port}`, connection: "close" });
  });

  it("fails with HTTP_STATUS on a 503 over TLS", async () => {
    const server = await started(startHttpsServer("127.0.0.3", () => 503));
    expect(await probeTarget(http("127.0.0.3", server.port, "/healthz", "https"), never)).toMatchObject({ ok: false, code: "HTTP_STATUS", status: 503 });
  });

  it("speaks TLS, not HTTP: an HTTPS check of a plain HTTP port fails, and so does an HTTP check of an HTTPS port", async () => {
    const plain = await started(startHttpServer("127.0.0.2", () => 200));
    expect(await probeTarget(http("127.0.0.2", plain.port, "/healthz", "https"), never)).toMatchObject({ ok: false, code: "HTTP_PROTOCOL" });
    const secure = await started(startHttpsServer("127.0.0.3", () => 200));
    expect(await probeTarget(http("127.0.0.3", secure.port, "/healthz"), never)).toMatchObject({ ok: false });
    expect(secure.requests).toEqual([]);
  });

  it("fails with CONNECT_FAILED when nothing listens", async () => {
    const port = await freePort("127.0.0.4");
    expect(await probeTarget(http("127.0.0.4", port, "/healthz", "https"), never)).toMatchObject({ ok: false, code: "CONNECT_FAILED" });
  });
});
