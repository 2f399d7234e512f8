import { createServer, type Server, type Socket } from "node:net";
import type { TestProject } from "vitest/node";
import { listen } from "./listen-on.ts";
import { MALFORMED_RESPONSES, type RawHttpServer } from "./raw-http-contract.ts";

const ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];

/**
 * A hand-written HTTP/1.1 server on the loopback Nodes. It reads a request (head, then a Content-Length or
 * chunked body), then answers by path:
 *   /raw-request      200, the request's exact bytes as the body (what the socket transport put on the wire)
 *   /redirect         302 to /elsewhere
 *   /length           "hello world" with Content-Length (head only for HEAD)
 *   /chunked          a chunked body written in pieces, with an extension and a trailer
 *   /until-close      a body with no framing, ended by closing
 *   /interim          100 Continue and 103 Early Hints, then 200
 *   /no-content       204
 *   /hold/<id>        a chunked head and a first chunk, the rest only once /release/<id> was requested
 *   /release/<id>     200, and releases /hold/<id>
 *   /silent           never answers
 *   /close            closes without answering
 *   /truncated        Content-Length 10, 3 bytes, close
 *   /bad-chunk        a chunked head, then an invalid chunk size
 *   /bad/<name>       the bytes of MALFORMED_RESPONSES[name]
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  const held = new Map<string, () => void>();
  const servers: Server[] = [];
  let port = 0;
  for (let attempt = 0; attempt < 20 && servers.length < ADDRESSES.length; attempt++) {
    servers.splice(0).forEach((server) => server.close());
    port = 0;
    try {
      for (const address of ADDRESSES) {
        const server = createServer((socket) => serve(socket, held));
        server.on("connection", (socket: Socket) => {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
        });
        port = await listen(server, port, address);
        servers.push(server);
      }
    } catch {
      // That port was taken on one of the addresses: try another.
    }
  }
  if (servers.length < ADDRESSES.length) throw new Error("could not find a port free on every loopback node");
  const raw: RawHttpServer = { port };
  project.provide("rawHttp", raw);
  return async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };
}


function serve(socket: Socket, held: Map<string, () => void>): void {
  socket.on("error", () => undefined);
  let received = Buffer.alloc(0);
  let answered = false;
  socket.on("data", (data: Buffer) => {
    received = Buffer.concat([received, data]);
    if (answered || !isComplete(received)) return;
    answered = true;
    const requestLine = received.subarray(0, received.indexOf("\r\n")).toString("latin1");
    const [method = "", target = ""] = requestLine.split(" ");
    answer(socket, method, target.split("?")[0] ?? "", received, held);
  });
}

/** A whole request: head, then Content-Length bytes, or chunks up to the last one. Good enough for our client. */
function isComplete(bytes: Buffer): boolean {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd === -1) return false;
  const head = bytes.subarray(0, headEnd).toString("latin1").toLowerCase();
  const body = bytes.subarray(headEnd + 4);
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length !== null) return body.length >= Number(length[1]);
  if (/\r\ntransfer-encoding: *chunked/.test(head)) return body.includes("0\r\n\r\n") && body.subarray(body.length - 5).toString() === "0\r\n\r\n";
  return true;
}

function answer(socket: Socket, method: string, path: string, request: Buffer, held: Map<string, () => void>): void {
  const end = (text: string): void => {
    socket.end(Buffer.from(text, "latin1"));
  };
  if (path === "/raw-request") {
    // Says it closes, as it does: a client that pooled the connection would otherwise race the close.
    socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${request.length}\r\nConnection: close\r\n\r\n`), request]));
  } else if (path === "/redirect") {
    end("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  } else if (path === "/length") {
    end(`HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Scenario: length\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n${method === "HEAD" ? "" : "hello world"}`);
  } else if (path === "/chunked") {
    socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Scenario: chunked\r\n\r\n7\r\nhello, \r\n");
    setTimeout(() => socket.write("8;ext=\"v\"\r\nchunked \r\n"), 20);
    setTimeout(() => end("5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n"), 40);
  } else if (path === "/until-close") {
    socket.write("HTTP/1.1 200 OK\r\nX-Scenario: until-close\r\n\r\nthe body runs ");
    setTimeout(() => end("until the server closes"), 20);
  } else if (path === "/interim") {
    end("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
  } else if (path === "/no-content") {
    end("HTTP/1.1 204 No Content\r\nX-Scenario: no-content\r\n\r\n");
  } else if (path.startsWith("/hold/")) {
    socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nfirst;\r\n");
    held.set(path.slice("/hold/".length), () => end("6\r\nsecond\r\n0\r\n\r\n"));
  } else if (path.startsWith("/release/")) {
    held.get(path.slice("/release/".length))?.();
    end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  } else if (path === "/silent") {
    // Holds the connection open and never answers.
  } else if (path === "/close") {
    socket.end();
  } else if (path === "/truncated") {
    end("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  } else if (path === "/bad-chunk") {
    end("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n");
  } else if (path.startsWith("/bad/")) {
    const bytes = MALFORMED_RESPONSES[path.slice("/bad/".length)];
    if (bytes === undefined) end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    else end(bytes);
  } else {
    end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  }
}
