import { parseArgs } from "node:util";
import type { JWK } from "jose";
import { describeEs256JwkProblem } from "../../core/jwt/es256-jwk.ts";
import { signPushToken } from "../../core/push/push-token.ts";
import { describeUnreachableTargets, readEdgeTransportReport } from "../push/edge-transport-report.ts";
import type { CommandIo } from "./command-io.ts";
import { readPushKey } from "./read-push-key.ts";
import { UsageError } from "./usage-error.ts";

export const statusUsage = `edge-ingress status --edge-url URL (--push-key-file PATH | env EDGE_PUSH_PRIVATE_JWK)
  Asks the edge what it serves: table version and age, counts, targets it marked down, backends failed open
  (every target failed the agent's checks, so all are served), transport readiness.
  Signs a status token with the agent's key (a status token can never push a table).`;

const STATUS_PATH = "/.well-known/edge-ingress/status";

export async function runStatus(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { "edge-url": { type: "string" }, "push-key-file": { type: "string" } }, strict: true });
  } catch (error) {
    throw new UsageError([(error as Error).message]);
  }
  const problems: string[] = [];
  const edgeUrl = parsed.values["edge-url"] ?? io.env.EDGE_URL;
  if (edgeUrl === undefined || !URL.canParse(edgeUrl)) problems.push("give --edge-url URL (or EDGE_URL)");
  const jwk = readKey(parsed.values["push-key-file"] ?? io.env.EDGE_PUSH_KEY_FILE, io.env.EDGE_PUSH_PRIVATE_JWK, problems);
  if (problems.length > 0 || edgeUrl === undefined || jwk === null) throw new UsageError(problems);

  const token = await signPushToken(jwk, "", Math.floor(Date.now() / 1000), { operation: "status" });
  let response: Response;
  try {
    response = await fetch(new URL(STATUS_PATH, edgeUrl), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    io.stderr(`edge-ingress status: cannot reach ${edgeUrl}: ${(error as Error).message}\n`);
    return 1;
  }
  const text = await response.text();
  io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  if (!response.ok) io.stderr(`edge-ingress status: the edge answered ${response.status}\n`);
  const report = response.ok ? readEdgeTransportReport(parseJson(text)) : null;
  const unreachable = report === null ? null : describeUnreachableTargets(report);
  if (unreachable !== null) io.stderr(`edge-ingress status: ${unreachable}\n`);
  return response.ok ? 0 : 1;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function readKey(file: string | undefined, inline: string | undefined, problems: string[]): JWK | null {
  const jwk = readPushKey(file, inline, problems);
  if (jwk === null) return null;
  const problem = describeEs256JwkProblem(jwk, "private");
  if (problem !== null) {
    problems.push(`the key: ${problem}`);
    return null;
  }
  return jwk as JWK;
}
