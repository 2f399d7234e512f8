/**
 * A child process of the health benchmark: stands in for Nodes on loopback addresses. On every address it takes,
 * a TCP listener on each nodePort (accepts and closes, as a live nodePort does) and, when a kube-proxy port is
 * given, an HTTP server answering `GET /healthz` with 200 there. Prints `{"listening":n}` once all listen.
 * Argument: JSON `{ "addresses": [...], "nodePorts": [...], "kubeProxyPort": n | null }`.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Server } from "node:net";

interface Plan {
  readonly addresses: readonly string[];
  readonly nodePorts: readonly number[];
  readonly kubeProxyPort: number | null;
}

const plan = JSON.parse(process.argv[2] ?? "{}") as Plan;
const servers: Server[] = [];

function listen(server: Server, address: string, port: number): Promise<void> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once("error", (error) => reject(new Error(`${address}:${port}: ${error.message}`)));
    server.listen({ host: address, port, backlog: 511, exclusive: true }, () => resolve());
  });
}

for (const address of plan.addresses) {
  const listening = plan.nodePorts.map((port) => listen(createTcpServer((socket) => socket.end()), address, port));
  if (plan.kubeProxyPort !== null) {
    listening.push(listen(createHttpServer((request, response) => {
      response.writeHead(request.url === "/healthz" ? 200 : 404, { "content-type": "text/plain" }).end("ok");
    }), address, plan.kubeProxyPort));
  }
  await Promise.all(listening);
}
process.stdout.write(`${JSON.stringify({ listening: servers.length })}\n`);
process.on("SIGTERM", () => process.exit(0));
