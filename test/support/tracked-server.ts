import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** An HTTP server on 127.0.0.1 that knows its connections, so that closing it cuts them all at once. */
export interface TrackedServer {
  readonly port: number;
  /** Every connection destroyed, the port closed: the way a fake API server goes away. */
  close(): Promise<void>;
}

/**
 * Starts the fake servers' common shell: `handle` serves each request; when it throws, `answerFailure` answers
 * 500 in the fake's own format, or the connection is cut if the head was already sent. `port` 0 picks a free port.
 */
export async function startTrackedServer(
  port: number,
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  answerFailure: (response: ServerResponse, error: unknown) => void,
): Promise<TrackedServer> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) answerFailure(response, error);
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
