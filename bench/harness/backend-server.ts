/**
 * The demo "Nodes" for benchmarks: one small HTTP server per loopback address, all on the same port, as a
 * NodePort is the same on every Node. Run as its own process (so the benchmark's own event loop never serves
 * traffic): `node --import tsx bench/harness/backend-server.ts 127.0.0.2 127.0.0.3 …`. Prints one JSON line
 * `{"port": N}` once every address listens.
 */
import { createServer, type Server } from "node:http";

const addresses = process.argv.slice(2);
if (addresses.length === 0) {
  console.error("usage: backend-server.ts ADDRESS [ADDRESS…]");
  process.exit(2);
}

const servers: Server[] = [];
const port = await listenOnOnePort(addresses);
console.log(JSON.stringify({ port }));

process.once("SIGTERM", () => {
  for (const server of servers) server.close();
  process.exit(0);
});

function serve(address: string): Server {
  const body = Buffer.from(`node ${address}\n`);
  return createServer((request, response) => {
    // Drain any request body so keep-alive connections stay usable.
    request.resume();
    response.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    response.end(body);
  });
}

async function listenOnOnePort(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [first, ...rest] = hosts;
    if (first === undefined) break;
    const firstServer = serve(first);
    const chosen = await listen(firstServer, first, 0);
    const others: Server[] = [];
    try {
      for (const host of rest) {
        const server = serve(host);
        await listen(server, host, chosen);
        others.push(server);
      }
      servers.push(firstServer, ...others);
      return chosen;
    } catch {
      // The port the kernel gave on the first address is taken on another one: try again.
      for (const server of [firstServer, ...others]) server.close();
    }
  }
  throw new Error(`no common free port on ${hosts.join(", ")}`);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      if (address !== null && typeof address === "object") resolve(address.port);
      else reject(new Error(`no port on ${host}`));
    });
  });
}
