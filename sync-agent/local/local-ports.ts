import { createServer } from "node:net";
import { LocalStackError } from "./start-wrangler-dev.ts";

/** Whether `port` can be bound on `address` right now. */
export function canBind(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Fails with every port already taken: wrangler would otherwise exit with a message lost among its own, or, worse,
 * another server on that port would answer our readiness probe.
 */
export async function checkPortsFree(ports: readonly { readonly address: string; readonly port: number; readonly what: string }[]): Promise<void> {
  const taken: string[] = [];
  for (const { address, port, what } of ports) if (!(await canBind(address, port))) taken.push(`${what} ${address}:${port}`);
  if (taken.length > 0) throw new LocalStackError("PORT_IN_USE", `already in use: ${taken.join(", ")}`);
}

/**
 * Resolves with the ports still taken after `timeoutMs` (none: all free). The last guard of a stop: a process that
 * has exited may hold its listening socket a moment longer, and the next `npm start` needs these ports.
 */
export async function waitUntilPortsFree(ports: readonly { readonly address: string; readonly port: number; readonly what: string }[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const taken: string[] = [];
    for (const { address, port, what } of ports) if (!(await canBind(address, port))) taken.push(`${what} ${address}:${port}`);
    if (taken.length === 0 || Date.now() >= deadline) return taken;
    // Nothing announces that a port was released: poll.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A port that was free on every one of `addresses` a moment ago (a NodePort is the same port on every Node). The
 * kernel picks it on the first address; the others are checked, and another is tried if one is taken.
 */
export async function findFreePort(addresses: readonly string[] = ["127.0.0.1"], attempts = 20): Promise<number> {
  const [first, ...others] = addresses;
  if (first === undefined) throw new RangeError("findFreePort needs at least one address");
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen({ host: first, port: 0, exclusive: true }, () => {
        const bound = server.address();
        server.close(() => (bound !== null && typeof bound === "object" ? resolve(bound.port) : reject(new Error(`no port on ${first}`))));
      });
    });
    let free = true;
    for (const address of others) if (!(await canBind(address, port))) free = false;
    if (free) return port;
  }
  throw new LocalStackError("PORT_IN_USE", `no port free on all of ${addresses.join(", ")} after ${attempts} attempts`);
}
