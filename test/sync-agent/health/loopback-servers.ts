import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";

/** A server on a loopback "Node" address that a test can stop, and that records what reached it. */
export interface LoopbackServer {
  readonly address: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Request paths received so far (HTTP servers). */
  readonly requests: string[];
  /** Host and Connection headers of those requests. */
  readonly headers: { host: string; connection: string }[];
  close(): Promise<void>;
}

async function listen(server: Server, address: string, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve());
  });
  const bound = server.address();
  if (bound === null || typeof bound === "string") throw new Error("server has no port");
  return bound.port;
}

function track(server: Server, address: string, port: number, requests: string[], headers: LoopbackServer["headers"] = []): LoopbackServer {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on("connection", (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    address,
    port,
    connections: () => connections,
    requests,
    headers,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Accepts TCP connections and closes them: a live nodePort. */
export async function startTcpServer(address: string, port = 0): Promise<LoopbackServer> {
  const server = createTcpServer((socket) => socket.end());
  return track(server, address, await listen(server, address, port), []);
}

/** Answers every GET with `status()` (read per request, so a test can change it). */
export async function startHttpServer(address: string, status: () => number, port = 0): Promise<LoopbackServer> {
  const requests: string[] = [];
  const headers: LoopbackServer["headers"] = [];
  const server = createHttpServer(answerWith(status, requests, headers));
  return track(server, address, await listen(server, address, port), requests, headers);
}

/**
 * The same over HTTPS, with a self-signed certificate that nothing trusts (test/support/tls-fixtures/untrusted):
 * what a backend serving its own certificate looks like to a client that does not know it.
 */
export async function startHttpsServer(address: string, status: () => number, port = 0): Promise<LoopbackServer> {
  const requests: string[] = [];
  const headers: LoopbackServer["headers"] = [];
  const fixtures = new URL("../../support/tls-fixtures/", import.meta.url);
  const keyPair = { cert: readFileSync(new URL("untrusted.crt.pem", fixtures)), key: readFileSync(new URL("untrusted.key.pem", fixtures)) };
  const server = createHttpsServer(keyPair, answerWith(status, requests, headers));
  return track(server, address, await listen(server, address, port), requests, headers);
}

function answerWith(status: () => number, requests: string[], headers: LoopbackServer["headers"]): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? "");
    headers.push({ host: req.headers.host ?? "", connection: req.headers.connection ?? "" });
    res.writeHead(status(), { "content-type": "application/json" }).end('{"localEndpoints":1}');
  };
}

/** Accepts connections and never answers: a wedged Node. */
export async function startHangingServer(address: string, port = 0): Promise<LoopbackServer> {
  const requests: string[] = [];
  const server = createHttpServer((req) => {
    requests.push(req.url ?? "");
  });
  return track(server, address, await listen(server, address, port), requests);
}

/** A port on `address` with nothing listening: bound once, then released. */
export async function freePort(address: string): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server, address);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
