import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type RequestListener, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { TestProject } from "vitest/node";
import { WebSocketServer } from "ws";
import { listen } from "./listen-on.ts";
import type { Echo, TestBackends } from "./backend-contract.ts";
import startRawHttpServer from "./raw-http-setup.ts";

/**
 * Real HTTP backends on loopback "Nodes" (127.0.0.2, .3, .4), one port per Service as NodePorts are: the worker
 * under test reaches them through its real transport.
 */
type Server = HttpServer | HttpsServer;

/** Key pairs for the HTTPS backends: `backend` is trusted by the worker's runtime (vitest.config.mts), `untrusted` by nothing. */
const TLS_FIXTURES = new URL("../../support/tls-fixtures/", import.meta.url);
const keyPair = (name: string) => ({ cert: readFileSync(new URL(`${name}.crt.pem`, TLS_FIXTURES)), key: readFileSync(new URL(`${name}.key.pem`, TLS_FIXTURES)) });

const NODES = [
  { name: "node-a", address: "127.0.0.2" },
  { name: "node-b", address: "127.0.0.3" },
  { name: "node-c", address: "127.0.0.4" },
];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The socket transport's raw HTTP/1.1 server (malformed and hand-framed responses) runs beside the echo Nodes.
  const stopRawHttp = await startRawHttpServer(project);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const track = (server: Server): Server => {
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    servers.push(server);
    return server;
  };

  const onEveryNode = async (make: (node: (typeof NODES)[number]) => Server, extraAddresses: string[] = []): Promise<number> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const started: Server[] = [];
      try {
        const first = make(NODES[0] ?? { name: "node-a", address: "127.0.0.2" });
        const port = await listen(first, 0, "127.0.0.2");
        started.push(first);
        for (const node of NODES.slice(1)) {
          const server = make(node);
          await listen(server, port, node.address);
          started.push(server);
        }
        for (const address of extraAddresses) {
          const server = make({ name: `local-${address}`, address });
          await listen(server, port, address);
          started.push(server);
        }
        started.forEach(track);
        return port;
      } catch {
        await Promise.all(started.map((server) => new Promise((resolve) => server.close(resolve))));
      }
    }
    throw new Error("could not find a port free on every loopback node");
  };

  // How each WebSocket ended, as its backend saw it, by the URL it was opened with.
  const websocketCloses = new Map<string, { code: number; reason: string }>();
  const recordClose = (url: string, code: number, reason: string): void => void websocketCloses.set(url, { code, reason });
  const web = await onEveryNode((node) => createEchoServer("web", node.name, recordClose), ["127.0.0.1"]);
  const api = await onEveryNode((node) => createEchoServer("api", node.name, recordClose));
  const hang = await onEveryNode(() => createServer(() => undefined));
  const mixed = await onEveryNode((node) => (node.name === "node-a" ? createServer(() => undefined) : createEchoServer("mixed", node.name, recordClose)));
  let canaryHits = 0;
  const canary = await onEveryNode(() =>
    createServer((req, res) => {
      canaryHits++;
      res.end("canary");
    }), ["127.0.0.1"]);
  const control = track(
    createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url?.startsWith("/websocket-close/")) {
        res.end(JSON.stringify(websocketCloses.get(decodeURIComponent(req.url.slice("/websocket-close/".length))) ?? null));
        return;
      }
      if (req.url === "/reset") canaryHits = 0;
      res.end(JSON.stringify({ hits: canaryHits }));
    }),
  );
  const tlsWeb = await onEveryNode((node) => createEchoServer("tls-web", node.name, recordClose, keyPair("backend")));
  const untrustedTls = await onEveryNode((node) => createEchoServer("untrusted", node.name, recordClose, keyPair("untrusted")));
  const canaryControl = await listen(control, 0, "127.0.0.1");
  // A port nothing answers on at the Nodes' addresses. It stays held by a listener on an address no test uses:
  // Linux then refuses any listener bound to every address on it (another test's metrics port 0, say), which
  // would otherwise answer for the "dead" Nodes.
  const dead = await listen(track(createServer()), 0, "127.0.44.2");

  const backends: TestBackends = { nodes: NODES, ports: { web, api, hang, mixed, dead, canary, tlsWeb, untrustedTls }, canaryControl };
  project.provide("backends", backends);
  return async () => {
    await stopRawHttp();
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };
}


/**
 * Answers with who it is and what it received; `/ws` speaks just enough WebSocket to greet and close. Over HTTPS
 * when given a key pair, and then says so, with the server name the client sent.
 */
function createEchoServer(service: string, node: string, onWebSocketClose: (url: string, code: number, reason: string) => void, tls?: { cert: Buffer; key: Buffer }): Server {
  const scheme = tls === undefined ? "http" : "https";
  const handle: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/stream") {
      // Answers each request chunk as it arrives: only a proxy that streams both ways completes this exchange.
      res.writeHead(200, { "content-type": "text/plain" });
      res.write(`${node} ready\n`);
      req.on("data", (chunk: Buffer) => res.write(`got ${chunk.toString("utf8")}\n`));
      req.on("end", () => res.end("done\n"));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const servername = tls === undefined ? undefined : (req.socket as TLSSocket).servername;
      const echo: Echo = {
        service, node, method: req.method ?? "", url: req.url ?? "", headers: req.headers, bodyLength: body.length, body: body.toString("utf8").slice(0, 1000),
        ...(tls === undefined ? {} : { tls: { servername: typeof servername === "string" ? servername : null } }),
      };
      res.setHeader("content-type", "application/json");
      res.setHeader("x-backend-node", node);
      // Hop-by-hop headers the edge must not pass back to the client.
      res.setHeader("connection", "keep-alive, x-backend-private");
      res.setHeader("x-backend-private", "secret");
      res.setHeader("keep-alive", "timeout=5");
      if (req.url?.startsWith("/set-cookie")) res.setHeader("set-cookie", "app=1; Path=/");
      if (req.url === "/own-hsts") res.setHeader("strict-transport-security", "max-age=60; includeSubDomains");
      // What nginx and most frameworks do: an absolute redirect built from the Host the backend received.
      if (req.url === "/redirect-self") res.writeHead(302, { location: `${scheme}://${req.headers.host ?? ""}/landing?from=self` });
      if (req.url === "/redirect-away") res.writeHead(302, { location: "https://login.example.org/authorize" });
      res.end(JSON.stringify(echo));
    });
  };
  const server: Server = tls === undefined ? createServer(handle) : createHttpsServer(tls, handle);
  // A WebSocket server as real as they come (the ws library): greets, echoes, picks "chat" when offered, pings
  // and reports the pong when asked to, and closes with 4001 when asked to.
  const websockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has("chat") ? "chat" : false) });
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    websockets.handleUpgrade(req, socket, head, (websocket) => {
      websocket.send(`hello from ${node} at ${req.url ?? ""}`);
      websocket.on("message", (data, isBinary) => {
        if (!isBinary && data.toString() === "close-please") websocket.close(4001, "asked to");
        else if (!isBinary && data.toString() === "ping-please") websocket.ping("are you there");
        else websocket.send(data, { binary: isBinary });
      });
      websocket.on("pong", (data) => websocket.send(`pong: ${data.toString()}`));
      websocket.on("close", (code, reason) => onWebSocketClose(req.url ?? "", code, reason.toString()));
      websocket.on("error", () => undefined);
    });
  });
  return server;
}
