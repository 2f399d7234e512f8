import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { fileURLToPath } from "node:url";
import type { EchoReply } from "../../../sync-agent/local/demo-node.ts";
import { type IsolatedDemo, startIsolatedDemo } from "../../../sync-agent/local/isolated-demo.ts";
import { type LocalResponse, requestLocal } from "../../../sync-agent/local/local-request.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import type { CookieJar } from "./cookie-jar.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Time enough for two `wrangler dev` processes to start on a busy two-core machine. */
export const STACK_START_TIMEOUT_MS = 120_000;

export interface E2eDemo extends IsolatedDemo {
  /** The stack's logs and wrangler's lines, for failure messages. */
  logs(): string;
}

/** The bundled demo, whole (demo Nodes, http and https edges, the agent), on ports of its own. */
export async function startE2eDemo(options: { https?: boolean } = {}): Promise<E2eDemo> {
  const lines: string[] = [];
  const keep = (line: string): void => {
    lines.push(line.trimEnd());
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  const demo = await startIsolatedDemo({
    root: ROOT,
    https: options.https ?? true,
    logger: createLogger({ level: "info", write: keep }),
    onEdgeLine: (line) => keep(`[edge] ${line}`),
  });
  return Object.assign(demo, { logs: () => lines.join("\n") });
}

export interface EdgeGet {
  readonly edge?: "http" | "https";
  readonly host: string;
  readonly path: string;
  readonly jar?: CookieJar;
  readonly agent?: HttpAgent | HttpsAgent;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface EdgeAnswer extends LocalResponse {
  /** What the demo Node saw, when a demo Node answered. */
  readonly echo: EchoReply | null;
}

/** A GET through the local edge, as a client of `host` would send it. */
export async function getThroughEdge(demo: IsolatedDemo, request: EdgeGet): Promise<EdgeAnswer> {
  const base = request.edge === "http" ? demo.stack.httpUrl : demo.stack.httpsUrl;
  if (base === null) throw new Error("this stack has no https edge");
  const cookie = request.jar?.header();
  const response = await requestLocal(`${base}${request.path}`, {
    host: request.host,
    headers: { ...request.headers, ...(cookie === undefined ? {} : { cookie }) },
    ...(request.agent === undefined ? {} : { agent: request.agent }),
  });
  request.jar?.store(response.headers["set-cookie"]);
  const isEcho = typeof response.headers["x-demo-node"] === "string";
  return { ...response, echo: isEcho ? (JSON.parse(response.body) as EchoReply) : null };
}

export function keepAliveAgent(edge: "http" | "https", maxSockets = 4): HttpAgent | HttpsAgent {
  return edge === "https" ? new HttpsAgent({ keepAlive: true, maxSockets, rejectUnauthorized: false }) : new HttpAgent({ keepAlive: true, maxSockets });
}
