import { parseArgs } from "node:util";
import type { JWK } from "jose";
import { describeEs256JwkProblem } from "../../core/jwt/es256-jwk.ts";
import { signPushToken } from "../../core/push/push-token.ts";
import { createCloudflareClient } from "../cloudflare/cloudflare-client.ts";
import { toCloudflareApiError } from "../cloudflare/cloudflare-api-error.ts";
import { DEFAULT_WORKER_NAME, readCloudflareFlags } from "../cloudflare/cloudflare-flags.ts";
import { type HostListing, listAttachedHosts } from "../cloudflare/list-attached-hosts.ts";
import { describeUnreachableTargets, readEdgeTransportReport } from "../push/edge-transport-report.ts";
import type { CommandIo } from "./command-io.ts";
import { readPushKey } from "./read-push-key.ts";
import { UsageError } from "./usage-error.ts";

export const statusUsage = `edge-ingress status --edge-url URL (--push-key-file PATH | env EDGE_PUSH_PRIVATE_JWK) [--hosts]
  Asks the edge what it serves: table version and age, counts, targets it marked down, backends failed open
  (every target failed the agent's checks, so all are served), transport readiness.
  Signs a status token with the agent's key (a status token can never push a table).
  --hosts                        add "hosts": what reaches the Worker (Custom Domains, routes) and whose claim covers
                                 it, and hosts claimed but not attached, read from the Cloudflare API (read only)
  --cloudflare-account-id ID     [CLOUDFLARE_ACCOUNT_ID]; the token in CLOUDFLARE_API_TOKEN or --cloudflare-api-token-file
  --worker-name NAME             default ${DEFAULT_WORKER_NAME}  [EDGE_WORKER_NAME]`;

/** What `--hosts` reads from the environment: the API's, never the agent's switches. */
const HOSTS_ENV = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_TOKEN_FILE", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_URL", "EDGE_WORKER_NAME"] as const;

const STATUS_PATH = "/.well-known/edge-ingress/status";

export async function runStatus(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        "edge-url": { type: "string" },
        "push-key-file": { type: "string" },
        hosts: { type: "boolean", default: false },
        "cloudflare-account-id": { type: "string" },
        "cloudflare-api-token-file": { type: "string" },
        "cloudflare-api-url": { type: "string" },
        "worker-name": { type: "string" },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError([(error as Error).message]);
  }
  const problems: string[] = [];
  const edgeUrl = parsed.values["edge-url"] ?? io.env.EDGE_URL;
  if (edgeUrl === undefined || !URL.canParse(edgeUrl)) problems.push("give --edge-url URL (or EDGE_URL)");
  const jwk = readKey(parsed.values["push-key-file"] ?? io.env.EDGE_PUSH_KEY_FILE, io.env.EDGE_PUSH_PRIVATE_JWK, problems);
  // --manage-hosts' own checks (account id, token, Worker name), without its owner id: reading needs none.
  let hostsConfig = null;
  if (parsed.values.hosts === true) {
    const env = Object.fromEntries(HOSTS_ENV.map((name) => [name, io.env[name]]));
    const found: string[] = [];
    hostsConfig = readCloudflareFlags({ ...parsed.values, "manage-hosts": true, "owner-id": "status" }, env, found);
    problems.push(...found.map((problem) => problem.replace("with --manage-hosts", "with --hosts").replace(/ \(--publish kv, [^)]*\)/, "")));
  }
  if (problems.length > 0 || edgeUrl === undefined || jwk === null) throw new UsageError(problems);

  const token = await signPushToken(jwk, "", Math.floor(Date.now() / 1000), { operation: "status" });
  let response: Response;
  try {
    response = await fetch(new URL(STATUS_PATH, edgeUrl), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    io.stderr(`edge-ingress status: cannot reach ${edgeUrl}: ${(error as Error).message}\n`);
    return 1;
  }
  let text = await response.text();
  if (hostsConfig?.api != null && hostsConfig.hosts !== null) {
    const { accountId, workerName } = hostsConfig.hosts;
    const client = createCloudflareClient({ apiToken: hostsConfig.api.token, ...(hostsConfig.api.baseUrl === undefined ? {} : { baseUrl: hostsConfig.api.baseUrl }) });
    let hosts: HostListing | { error: string };
    try {
      hosts = await listAttachedHosts(client, accountId, workerName);
    } catch (error) {
      hosts = { error: toCloudflareApiError(error, "list the hosts attached to the Worker").message };
      io.stderr(`edge-ingress status: ${hosts.error}\n`);
    }
    const edge = parseJson(text);
    text = JSON.stringify(typeof edge === "object" && edge !== null ? { ...edge, hosts: { worker: workerName, ...hosts } } : { edge: text, hosts: { worker: workerName, ...hosts } });
  }
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
