import { fileURLToPath } from "node:url";
import { startProcess, type StartedProcess } from "./child-processes.ts";
import type { Backends } from "./start-backends.ts";

const serverScript = fileURLToPath(new URL("./backend-server.ts", import.meta.url));

/** Node http servers (bench/harness/backend-server.ts) in one child process; waits until each listens. */
export async function startNodeBackends(addresses: readonly string[]): Promise<Backends> {
  const started = startProcess("node backends", process.execPath, ["--import", "tsx", serverScript, ...addresses]);
  const port = await readAnnouncedPort(started);
  return { server: "node", addresses, port, process: started };
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
