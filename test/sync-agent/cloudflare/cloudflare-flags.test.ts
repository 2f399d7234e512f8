import { describe, expect, test } from "vitest";
import { readCloudflareFlags } from "../../../sync-agent/cloudflare/cloudflare-flags.ts";

const zone = "023e105f4ecef8ad9ca31a8372d0c353";
const account = "01a7362d577a6c3019a474fd6f485823";
const namespace = "0f2ac74b498b48028cb68387c421e279";

const read = (flags: Parameters<typeof readCloudflareFlags>[0], env: NodeJS.ProcessEnv = {}, nodeDomain?: string) => {
  const problems: string[] = [];
  const config = readCloudflareFlags(flags, env, problems, { ...(nodeDomain === undefined ? {} : { nodeDomain }), readTextFile: (path) => {
    if (path === "/secrets/token") return "file-token\n";
    throw Object.assign(new Error("no such file"), { code: "ENOENT" });
  } });
  return { config, problems };
};

describe("the Cloudflare flags", () => {
  test("by default publish to the edge and need no API at all", () => {
    expect(read({})).toEqual({ config: { publish: "edge", api: null, kv: null, dns: null, certificates: null, hosts: null }, problems: [] });
  });

  test("--publish kv takes the token from the environment and the ids from flags", () => {
    const { config, problems } = read({ publish: "kv", "cloudflare-account-id": account, "kv-namespace-id": namespace }, { CLOUDFLARE_API_TOKEN: "env-token" });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ publish: "kv", api: { token: "env-token" }, kv: { accountId: account, namespaceId: namespace } });
  });

  test("everything can come from the environment, the token from a file", () => {
    const { config, problems } = read({}, {
      EDGE_PUBLISH: "kv", CLOUDFLARE_API_TOKEN_FILE: "/secrets/token", CLOUDFLARE_ACCOUNT_ID: account, EDGE_KV_NAMESPACE_ID: namespace,
      CLOUDFLARE_ZONE_ID: zone, EDGE_OWNER_ID: "prod-eu", EDGE_MANAGE_DNS: "true", EDGE_UPLOAD_CERTIFICATES: "true",
    }, "nodes.example.com");
    expect(problems).toEqual([]);
    expect(config).toEqual({
      publish: "kv",
      api: { token: "file-token" },
      kv: { accountId: account, namespaceId: namespace },
      dns: { zoneId: zone, nodeDomain: "nodes.example.com", ownerId: "prod-eu" },
      certificates: { zoneId: zone, ownerId: "prod-eu" },
      hosts: null,
    });
  });

  test("an on/off variable that is neither true nor false is a problem, not a silent off; empty is off", () => {
    expect(read({}, { EDGE_MANAGE_DNS: "yes", EDGE_UPLOAD_CERTIFICATES: "1" }).problems).toEqual([
      'EDGE_MANAGE_DNS "yes" must be true or false',
      'EDGE_UPLOAD_CERTIFICATES "1" must be true or false',
    ]);
    expect(read({}, { EDGE_MANAGE_DNS: "", EDGE_UPLOAD_CERTIFICATES: "false" })).toEqual({ config: { publish: "edge", api: null, kv: null, dns: null, certificates: null, hosts: null }, problems: [] });
  });

  test("reports every problem at once", () => {
    const { problems } = read({ publish: "kafka", "manage-dns": true, "cloudflare-account-id": "nope", "owner-id": "Bad Owner!", "cloudflare-api-token-file": "/missing" });
    expect(problems).toEqual([
      '--publish "kafka" must be edge or kv',
      "--cloudflare-api-token-file /missing cannot be read: ENOENT",
      '--cloudflare-account-id "nope" is not a Cloudflare id (32 hexadecimal digits)',
      "--cloudflare-zone-id (CLOUDFLARE_ZONE_ID) is required with --manage-dns",
      '--owner-id "Bad Owner!" must be 1–63 lower-case letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      "--manage-dns needs --node-domain (EDGE_NODE_DOMAIN): node records are <node>.<node-domain>",
    ]);
  });

  test("--publish kv without a token, account or namespace says what is missing", () => {
    expect(read({ publish: "kv" }).problems).toEqual([
      "a Cloudflare API token is required (--publish kv, --manage-dns, --upload-certificates, --manage-hosts): set CLOUDFLARE_API_TOKEN or --cloudflare-api-token-file",
      "--cloudflare-account-id (CLOUDFLARE_ACCOUNT_ID) is required with --publish kv",
      "--kv-namespace-id (EDGE_KV_NAMESPACE_ID) is required with --publish kv",
    ]);
  });

  test("an owner id is required to manage records: there is no shared default to collide on", () => {
    expect(read({ "upload-certificates": true, "cloudflare-zone-id": zone }, { CLOUDFLARE_API_TOKEN: "t" }).problems).toEqual([
      "--owner-id (EDGE_OWNER_ID) is required with --upload-certificates: a name for this cluster, unique among those sharing the zone",
    ]);
  });

  test("--manage-hosts needs the account and an owner id, and attaches to the Worker wrangler.toml names unless told another", () => {
    const { config, problems } = read({}, { EDGE_MANAGE_HOSTS: "true", CLOUDFLARE_API_TOKEN: "t", CLOUDFLARE_ACCOUNT_ID: account, EDGE_OWNER_ID: "prod-eu" });
    expect(problems).toEqual([]);
    expect(config.hosts).toEqual({ accountId: account, workerName: "edge-ingress", ownerId: "prod-eu", dryRun: false });
    expect(read({ "manage-hosts": true, "worker-name": "edge-staging", "dry-run": true, "cloudflare-account-id": account, "owner-id": "a" }, { CLOUDFLARE_API_TOKEN: "t" }).config.hosts)
      .toEqual({ accountId: account, workerName: "edge-staging", ownerId: "a", dryRun: true });
  });

  test("--manage-hosts lists every problem at once: no token, no account, no owner id, a bad Worker name, a dry run of nothing", () => {
    expect(read({ "manage-hosts": true, "worker-name": "Edge Ingress" }).problems).toEqual([
      "a Cloudflare API token is required (--publish kv, --manage-dns, --upload-certificates, --manage-hosts): set CLOUDFLARE_API_TOKEN or --cloudflare-api-token-file",
      "--cloudflare-account-id (CLOUDFLARE_ACCOUNT_ID) is required with --manage-hosts",
      '--worker-name "Edge Ingress" is not a Worker name (1–63 lower-case letters, digits, "-" and "_")',
      "--owner-id (EDGE_OWNER_ID) is required with --manage-hosts: a name for this cluster, unique among those sharing the zone",
    ]);
    expect(read({ "dry-run": true }).problems).toEqual(["--dry-run (EDGE_DRY_RUN) previews --manage-hosts: give --manage-hosts too"]);
  });
});
