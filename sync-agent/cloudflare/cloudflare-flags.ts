import { readFileSync } from "node:fs";
import { OWNER_ID } from "./dns-ownership.ts";

/** Flags of the `sync` command for Cloudflare, in `node:util` parseArgs form (merge into the command's spec). */
export const cloudflareFlagSpec = {
  publish: { type: "string" },
  "cloudflare-api-token-file": { type: "string" },
  "cloudflare-api-url": { type: "string" },
  "cloudflare-account-id": { type: "string" },
  "cloudflare-zone-id": { type: "string" },
  "kv-namespace-id": { type: "string" },
  "owner-id": { type: "string" },
  "manage-dns": { type: "boolean", default: false },
  "upload-certificates": { type: "boolean", default: false },
  "manage-hosts": { type: "boolean", default: false },
  "worker-name": { type: "string" },
  "dry-run": { type: "boolean", default: false },
} as const;

export interface CloudflareFlags {
  readonly publish?: string;
  readonly "cloudflare-api-token-file"?: string;
  readonly "cloudflare-api-url"?: string;
  readonly "cloudflare-account-id"?: string;
  readonly "cloudflare-zone-id"?: string;
  readonly "kv-namespace-id"?: string;
  readonly "owner-id"?: string;
  readonly "manage-dns"?: boolean;
  readonly "upload-certificates"?: boolean;
  readonly "manage-hosts"?: boolean;
  readonly "worker-name"?: string;
  readonly "dry-run"?: boolean;
}

/** wrangler.toml's `name`: the Worker the hosts are attached to. */
export const DEFAULT_WORKER_NAME = "edge-ingress";

export type PublishMode = "edge" | "kv";

export interface CloudflareConfig {
  /** `edge`: the worker's sync endpoint (push key, edge URL: the sync command's own flags). `kv`: Workers KV through the API. */
  readonly publish: PublishMode;
  /** Set when anything below needs the API. */
  readonly api: { readonly token: string; readonly baseUrl?: string } | null;
  readonly kv: { readonly accountId: string; readonly namespaceId: string } | null;
  readonly dns: { readonly zoneId: string; readonly nodeDomain: string; readonly ownerId: string } | null;
  readonly certificates: { readonly zoneId: string; readonly ownerId: string } | null;
  /** `--manage-hosts`: every served host attached to the Worker (Custom Domains, routes), across the account's zones. */
  readonly hosts: { readonly accountId: string; readonly workerName: string; readonly ownerId: string; readonly dryRun: boolean } | null;
}

export const cloudflareUsage = `Cloudflare (sync):
  --publish edge|kv              where tables go: the worker's sync endpoint (default) or Workers KV via the API  [EDGE_PUBLISH]
  --cloudflare-api-token-file F  file holding the API token (or the token itself in CLOUDFLARE_API_TOKEN; never a flag,
                                 which every process listing shows)
  --cloudflare-account-id ID     account of the KV namespace and of the zones of --manage-hosts  [CLOUDFLARE_ACCOUNT_ID]
  --kv-namespace-id ID           namespace the worker reads (--publish kv)  [EDGE_KV_NAMESPACE_ID]
  --cloudflare-zone-id ID        zone of --node-domain and of the certificates  [CLOUDFLARE_ZONE_ID]
  --manage-dns                   keep <node>.<node-domain> A/AAAA records (grey cloud) for the Nodes  [EDGE_MANAGE_DNS=true]
  --upload-certificates          upload Ingress TLS Secrets as zone custom certificates (Business plan and up)  [EDGE_UPLOAD_CERTIFICATES=true]
  --manage-hosts                 attach every served host to the Worker: exact hosts as Custom Domains, wildcards as a
                                 route plus a proxied record, in whichever zone of the account holds them  [EDGE_MANAGE_HOSTS=true]
  --worker-name NAME             the Worker they are attached to (default ${DEFAULT_WORKER_NAME}, wrangler.toml's name)  [EDGE_WORKER_NAME]
  --dry-run                      with --manage-hosts: log the host plan (hosts-plan lines), change nothing at Cloudflare  [EDGE_DRY_RUN=true]
  --owner-id ID                  this cluster's name in the ownership records: unique per cluster sharing a zone  [EDGE_OWNER_ID]`;

const CLOUDFLARE_ID = /^[0-9a-f]{32}$/;
const WORKER_NAME = /^[a-z0-9]([-a-z0-9_]{0,61}[a-z0-9])?$/;

/**
 * Reads the Cloudflare flags (flags first, then environment), pushing every problem into `problems`.
 * `nodeDomain` is the compile flags' `--node-domain`: node DNS records live under it.
 */
export function readCloudflareFlags(
  flags: CloudflareFlags,
  env: NodeJS.ProcessEnv,
  problems: string[],
  context: { readonly nodeDomain?: string; readonly readTextFile?: (path: string) => string } = {},
): CloudflareConfig {
  const publishText = flags.publish ?? env.EDGE_PUBLISH ?? "edge";
  const publish: PublishMode = publishText === "kv" ? "kv" : "edge";
  if (publishText !== "edge" && publishText !== "kv") problems.push(`--publish "${publishText}" must be edge or kv`);
  const manageDns = flags["manage-dns"] === true || readSwitch(env, "EDGE_MANAGE_DNS", problems);
  const uploadCertificates = flags["upload-certificates"] === true || readSwitch(env, "EDGE_UPLOAD_CERTIFICATES", problems);
  const manageHosts = flags["manage-hosts"] === true || readSwitch(env, "EDGE_MANAGE_HOSTS", problems);
  const dryRun = flags["dry-run"] === true || readSwitch(env, "EDGE_DRY_RUN", problems);
  if (dryRun && !manageHosts) problems.push("--dry-run (EDGE_DRY_RUN) previews --manage-hosts: give --manage-hosts too");
  const needsApi = publish === "kv" || manageDns || uploadCertificates || manageHosts;

  const id = (value: string | undefined, flag: string, why: string | null, envName: string): string | null => {
    if (value === undefined || value === "") {
      if (why !== null) problems.push(`${flag} (${envName}) is required ${why}`);
      return null;
    }
    if (!CLOUDFLARE_ID.test(value)) {
      problems.push(`${flag} "${value}" is not a Cloudflare id (32 hexadecimal digits)`);
      return null;
    }
    return value;
  };

  const token = needsApi ? readToken(flags, env, problems, context.readTextFile ?? ((path) => readFileSync(path, "utf8"))) : null;
  const baseUrl = flags["cloudflare-api-url"] ?? env.CLOUDFLARE_API_URL;
  if (baseUrl !== undefined && !/^https?:\/\/[^/]/.test(baseUrl)) problems.push(`--cloudflare-api-url "${baseUrl}" is not an http(s) URL`);

  const accountNeed = publish === "kv" ? "with --publish kv" : manageHosts ? "with --manage-hosts" : null;
  const accountId = id(flags["cloudflare-account-id"] ?? env.CLOUDFLARE_ACCOUNT_ID, "--cloudflare-account-id", accountNeed, "CLOUDFLARE_ACCOUNT_ID");
  const workerName = flags["worker-name"] ?? env.EDGE_WORKER_NAME ?? DEFAULT_WORKER_NAME;
  if (!WORKER_NAME.test(workerName)) problems.push(`--worker-name "${workerName}" is not a Worker name (1–63 lower-case letters, digits, "-" and "_")`);
  const namespaceId = id(flags["kv-namespace-id"] ?? env.EDGE_KV_NAMESPACE_ID, "--kv-namespace-id", publish === "kv" ? "with --publish kv" : null, "EDGE_KV_NAMESPACE_ID");
  const zoneNeed = manageDns ? "with --manage-dns" : uploadCertificates ? "with --upload-certificates" : null;
  const ownerNeed = zoneNeed ?? (manageHosts ? "with --manage-hosts" : null);
  const zoneId = id(flags["cloudflare-zone-id"] ?? env.CLOUDFLARE_ZONE_ID, "--cloudflare-zone-id", zoneNeed, "CLOUDFLARE_ZONE_ID");

  let ownerId: string | null = null;
  const ownerText = flags["owner-id"] ?? env.EDGE_OWNER_ID;
  if (ownerText === undefined || ownerText === "") {
    // No default: two clusters sharing a default would delete each other's records as "Nodes that are gone".
    if (ownerNeed !== null) problems.push(`--owner-id (EDGE_OWNER_ID) is required ${ownerNeed}: a name for this cluster, unique among those sharing the zone`);
  } else if (!OWNER_ID.test(ownerText)) {
    problems.push(`--owner-id "${ownerText}" must be 1–63 lower-case letters, digits, "-", "_" or ".", starting and ending with a letter or digit`);
  } else {
    ownerId = ownerText;
  }
  if (manageDns && context.nodeDomain === undefined) problems.push("--manage-dns needs --node-domain (EDGE_NODE_DOMAIN): node records are <node>.<node-domain>");

  return {
    publish,
    api: token === null ? null : { token, ...(baseUrl === undefined ? {} : { baseUrl }) },
    kv: publish === "kv" && accountId !== null && namespaceId !== null ? { accountId, namespaceId } : null,
    dns: manageDns && zoneId !== null && ownerId !== null && context.nodeDomain !== undefined ? { zoneId, nodeDomain: context.nodeDomain, ownerId } : null,
    certificates: uploadCertificates && zoneId !== null && ownerId !== null ? { zoneId, ownerId } : null,
    hosts: manageHosts && accountId !== null && ownerId !== null && WORKER_NAME.test(workerName) ? { accountId, workerName, ownerId, dryRun } : null,
  };
}

/** An on/off variable: "true", "false", or empty (off); anything else is a problem rather than a silent "off". */
function readSwitch(env: NodeJS.ProcessEnv, name: string, problems: string[]): boolean {
  const value = env[name];
  if (value === undefined || value === "" || value === "false") return false;
  if (value === "true") return true;
  problems.push(`${name} "${value}" must be true or false`);
  return false;
}

function readToken(flags: CloudflareFlags, env: NodeJS.ProcessEnv, problems: string[], readTextFile: (path: string) => string): string | null {
  const file = flags["cloudflare-api-token-file"] ?? env.CLOUDFLARE_API_TOKEN_FILE;
  let token: string | undefined;
  if (file !== undefined) {
    try {
      token = readTextFile(file).trim();
    } catch (error) {
      problems.push(`--cloudflare-api-token-file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return null;
    }
  } else {
    token = env.CLOUDFLARE_API_TOKEN?.trim();
  }
  if (token === undefined || token === "") {
    problems.push("a Cloudflare API token is required (--publish kv, --manage-dns, --upload-certificates, --manage-hosts): set CLOUDFLARE_API_TOKEN or --cloudflare-api-token-file");
    return null;
  }
  if (/\s/.test(token)) {
    problems.push("the Cloudflare API token contains whitespace: is the token file more than the token?");
    return null;
  }
  return token;
}
