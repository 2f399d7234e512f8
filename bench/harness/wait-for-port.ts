import { connect } from "node:net";
import type { StartedProcess } from "./child-processes.ts";

/** Waits until something accepts TCP connections on host:port; fails early if `owner` exits first. */
export async function waitForPort(host: string, port: number, owner: StartedProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ownerExit: number | string | undefined;
  void owner.exited.then((code) => {
    ownerExit = code;
  });
  while (Date.now() < deadline) {
    if (ownerExit !== undefined) {
      throw new Error(`${owner.name} exited (${String(ownerExit)}) before listening on ${host}:${port}:\n${owner.output()}`);
    }
    if (await canConnect(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${owner.name} did not listen on ${host}:${port} within ${timeoutMs} ms:\n${owner.output()}`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
