import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a demo Node serves: which Node and port answered, and what it received. */
export interface EchoReply {
  readonly node: string;
  readonly address: string;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly bodyBytes: number;
}

export interface DemoNode {
  readonly node: string;
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * One stand-in for kube-proxy and the Pods behind a NodePort: an HTTP server on the Node's address that echoes
 * what it received as JSON. `/healthz` answers like kube-proxy's health check port does for a Node with local
 * endpoints, so Local-policy checks pass.
 */
export async function startDemoNode(node: string, address: string, port: number): Promise<DemoNode> {
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((request, response) => {
    void answer(node, address, port, request, response);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    node,
    address,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        // A killed Node drops its connections at once, like a crashed machine would.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function answer(node: string, address: string, port: number, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let bodyBytes = 0;
  for await (const chunk of request) bodyBytes += (chunk as Buffer).length;
  // Split by hand: `new URL("//x", base)` would read a path starting with // as a host.
  const target = request.url ?? "/";
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  const query = mark < 0 ? "" : target.slice(mark);
  if (path === "/healthz" && request.headers["x-forwarded-host"] === undefined) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ service: { namespace: "demo", name: "local" }, localEndpoints: 1 }));
    return;
  }
  const reply: EchoReply = {
    node,
    address,
    port,
    method: request.method ?? "GET",
    path,
    query,
    headers: request.headers,
    bodyBytes,
  };
  response.writeHead(200, { "content-type": "application/json", "x-demo-node": node });
  response.end(`${JSON.stringify(reply, null, 2)}\n`);
}
