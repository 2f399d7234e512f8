import { fileURLToPath } from "node:url";
import { startProcess, type StartedProcess } from "./child-processes.ts";

export const NODE_ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"] as const;

export interface Backends {
  readonly addresses: readonly string[];
  /** The same port on every address, like a NodePort. */
  readonly port: number;
  readonly process: StartedProcess;
}

const serverScript = fileURLToPath(new URL("./backend-server.ts", import.meta.url));

/** Starts the loopback "Nodes" in a child process and waits until each listens. */
export async function startBackends(addresses: readonly string[] = NODE_ADDRESSES): Promise<Backends> {
  const started = startProcess("backends", process.execPath, ["--import", "tsx", serverScript, ...addresses]);
  const port = await readAnnouncedPort(started);
  return { addresses, port, process: started };
}

async function readAnnouncedPort(started: StartedProcess): Promise<number> {
  const stdout = started.child.stdout;
  if (stdout === null) throw new Error("backends: no stdout");
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        stdout.off("data", onData);
        resolve(buffered.slice(0, end));
      }
    };
    stdout.on("data", onData);
    void started.exited.then((code) => reject(new Error(`backends exited (${String(code)}):\n${started.output()}`)));
  });
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed === "object" && parsed !== null && "port" in parsed && typeof parsed.port === "number") return parsed.port;
  throw new Error(`backends announced no port: ${line}`);
}
