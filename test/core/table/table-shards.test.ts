import { describe, expect, it } from "vitest";
import { generateRequests, generateRoutingTable } from "../../../bench/match/generate-routing-table.ts";
import { createSeededRandom } from "../../../bench/harness/seeded-random.ts";
import { compileTable } from "../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { compileRoutes, matchRequest, type RouteDecision } from "../../../core/match/match-request.ts";
import { normalizeHost } from "../../../core/match/normalize-host.ts";
import { sealTable } from "../../../core/table/hash-table.ts";
import type { RoutingTable, TableContent } from "../../../core/table/schema.ts";
import {
  assembleHostTable, bucketCount, bucketOf, MAX_BUCKETS, readBucket, readIndex, readManifest, readSlice, sha256Hex, shardTable, sliceKeysFor,
  type HostSlice, type TableIndex,
} from "../../../core/table/table-shards.ts";
import { conformanceCluster } from "../../support/gateway-conformance/base-cluster.ts";
import * as suite from "../../support/gateway-conformance/conformance-manifests.ts";

async function richTable(): Promise<RoutingTable> {
  const content: TableContent = {
    schema: 1,
    nodes: [{ name: "node-a", address: "192.0.2.1" }, { name: "node-b", address: "192.0.2.2" }],
    hosts: [
      { host: "*.wild.test", rules: [{ path: "/", pathType: "Prefix", backend: "ns/wild:80", ingress: "ns/wild" }] },
      { host: "", rules: [{ path: "/anyhost", pathType: "Prefix", backend: "ns/any:80", ingress: "ns/any" }] },
      { host: "a.wild.test", rules: [{ path: "/exact", pathType: "Exact", backend: "ns/a:80", ingress: "ns/a" }] },
      {
        host: "shop.test",
        rules: [
          { path: "/", pathType: "Prefix", backend: "ns/shop:80", ingress: "ns/shop", canary: { backend: "ns/canary:80", ingress: "ns/canary", header: "x-canary" } },
          { path: "/admin", pathType: "Prefix", backend: "ns/admin:80", ingress: "ns/admin" },
        ],
      },
    ],
    defaultBackend: { backend: "ns/default:80", ingress: "ns/default" },
    backends: [
      { id: "ns/a:80", nodePort: 30001, targets: "all-nodes" },
      { id: "ns/admin:80", nodePort: 30002, targets: [{ node: "node-a", weight: 1 }] },
      { id: "ns/any:80", nodePort: 30003, targets: "all-nodes" },
      { id: "ns/canary:80", nodePort: 30004, targets: [{ node: "node-b", weight: 1 }] },
      { id: "ns/default:80", nodePort: 30005, targets: "all-nodes", down: ["node-a"] },
      { id: "ns/shop:80", nodePort: 30006, targets: "all-nodes", failedOpen: true },
      { id: "ns/unused:80", nodePort: 30007, targets: [] },
      { id: "ns/wild:80", nodePort: 30008, targets: "all-nodes" },
    ],
    tls: [{ host: "*.wild.test", redirect: true }, { host: "shop.test", redirect: false }, { host: "tls-only.test", redirect: true }],
    problems: [{ kind: "Ingress", object: "ns/broken", reason: "no such Service" }],
    policies: [{ ingress: "ns/admin", allow: ["10.0.0.0/8"] }, { ingress: "ns/default", forceSslRedirect: true }],
    hostRedirects: [{ from: "www.shop.test", to: "shop.test", ingress: "ns/shop" }],
  };
  return sealTable(content, 7);
}

/** The table a request for `host` is routed by, read back from the stored parts as the edge reads them. */
async function hostTableOf(table: RoutingTable, host: string): Promise<RoutingTable> {
  const sharded = await shardTable(table);
  const manifest = readManifest(sharded.manifestText);
  if (!manifest.ok) throw new Error(JSON.stringify(manifest.issues));
  const index = readIndex(sharded.parts.get(manifest.value.index) ?? "");
  if (!index.ok) throw new Error(JSON.stringify(index.issues));
  const keys = sliceKeysFor(host);
  const slices: HostSlice[] = [];
  for (const key of [keys.exact, keys.wildcard, ...(manifest.value.deepWildcards === true ? keys.deep : [])]) {
    if (key === null) continue;
    const bucket = readBucket(sharded.parts.get(manifest.value.buckets[bucketOf(key, manifest.value.buckets.length)] ?? "") ?? "");
    if (!bucket.ok) throw new Error(JSON.stringify(bucket.issues));
    const stored = bucket.value.get(key);
    if (stored === undefined) continue;
    const slice = readSlice(stored, index.value);
    if (!slice.ok) throw new Error(JSON.stringify(slice.issues));
    slices.push(slice.value);
  }
  return assembleHostTable(table.version, table.generation, index.value, slices);
}

function comparable(decision: RouteDecision): unknown {
  if (decision.kind === "route" || decision.kind === "redirect") return { kind: decision.kind, path: "path" in decision ? decision.path : null, location: "location" in decision ? decision.location : null, rule: decision.hit.rule, backend: decision.hit.backend, ingress: decision.hit.ingress };
  if (decision.kind === "answer") return { kind: decision.kind, status: decision.status, headers: decision.headers, ingress: decision.ingress };
  return decision;
}

describe("the sharded table", () => {
  it("routes every request for a host exactly as the whole table does, from that host's slices and the index alone", async () => {
    const table = await richTable();
    const whole = compileRoutes(table);
    const requests = [
      ["shop.test", "/"], ["shop.test", "/admin/x"], ["a.wild.test", "/exact"], ["a.wild.test", "/other"], ["b.wild.test", "/"],
      ["tls-only.test", "/anyhost"], ["unknown.test", "/anyhost/x"], ["unknown.test", "/nothing"], ["www.shop.test", "/a/"], ["wild.test", "/"],
    ] as const;
    for (const [host, path] of requests) {
      for (const scheme of ["http", "https"] as const) {
        const request = { scheme, host, path, clientIp: "10.1.2.3", header: (name: string) => (name === "x-canary" ? "always" : null) };
        const sharded = compileRoutes(await hostTableOf(table, host));
        expect(comparable(matchRequest(sharded, request)), `${scheme}://${host}${path}`).toEqual(comparable(matchRequest(whole, request)));
      }
    }
  });

  it("routes HTTPRoutes as the whole table does: any-depth wildcards, conditions, weighted and unresolved backends", async () => {
    const manifests = [suite.hostnameIntersection, suite.weight, suite.partiallyInvalidViaInvalidReferenceGrant, suite.headerMatching].join("\n---\n");
    const state = conformanceCluster(manifests, { nodes: [{ name: "node-a", address: "127.0.0.2" }], v1: 30001, v2: 30002, v3: 30003, web: 30004 });
    const table = await sealTable(compileTable(state, defaultCompileOptions).content, 1);
    expect((await shardTable(table)).manifest.deepWildcards).toBe(true);
    const whole = compileRoutes(table);
    const requests = [
      ["very.specific.com", "/s1", {}], ["foo.bar.wildcard.io", "/s2", {}], ["x.y.anotherwildcard.io", "/s4", {}], ["anotherwildcard.io", "/s4", {}],
      ["any.example", "/", { version: "two", color: "blue" }], ["any.example", "/", {}], ["any.example", "/v2", {}], ["sub.first.com", "/", {}],
    ] as const;
    for (const [host, path, headers] of requests) {
      for (const draw of [0.1, 0.9]) {
        const request = { scheme: "http" as const, host, path, header: (name: string) => (headers as Record<string, string>)[name] ?? null, random: () => draw };
        const sharded = compileRoutes(await hostTableOf(table, host));
        expect(comparable(matchRequest(sharded, request)), `${host}${path}`).toEqual(comparable(matchRequest(whole, request)));
      }
    }
  });

  it("agrees with the whole table on a generated table of 2,000 rules with wildcard and host-less rules", async () => {
    const generated = generateRoutingTable(2000, createSeededRandom(5));
    const { version: _version, generation: _generation, ...content } = generated;
    const table = await sealTable(content, 1);
    const whole = compileRoutes(table);
    for (const { host, path } of generateRequests(table, 300, createSeededRandom(9))) {
      const normalized = normalizeHost(host) ?? host;
      const sharded = compileRoutes(await hostTableOf(table, normalized));
      const request = { scheme: "https" as const, host, path };
      expect(comparable(matchRequest(sharded, request)), `${host}${path}`).toEqual(comparable(matchRequest(whole, request)));
    }
  });

  it("is deterministic, and a change to one host rewrites one bucket and the manifest only", async () => {
    const generated = generateRoutingTable(3000, createSeededRandom(1));
    const { version: _v, generation: _g, ...content } = generated;
    const before = await shardTable(await sealTable(content, 1));
    expect((await shardTable(await sealTable(content, 2))).manifestHash).toBe(before.manifestHash);
    const hosts = content.hosts.map((entry) => (entry.host === "app7.example.com" ? { ...entry, rules: entry.rules.slice(1) } : entry));
    const after = await shardTable(await sealTable({ ...content, hosts }, 3));
    const changed = [...after.parts.keys()].filter((hash) => !before.parts.has(hash));
    expect(changed).toHaveLength(1);
    expect(after.manifestHash).not.toBe(before.manifestHash);
  });

  it("stores every part under the SHA-256 of its bytes, and counts the whole table in the manifest", async () => {
    const table = await richTable();
    const sharded = await shardTable(table);
    for (const [hash, text] of sharded.parts) expect(await sha256Hex(text)).toBe(hash);
    expect(await sha256Hex(sharded.manifestText)).toBe(sharded.manifestHash);
    expect(sharded.manifest.counts).toEqual({ hosts: 4, rules: 5, backends: 8, backendsWithoutTargets: 1, backendsFailedOpen: 1, nodes: 2, targets: 11, problems: 1 });
    expect(sharded.manifest.failedOpen).toEqual(["ns/shop:80"]);
    expect(sharded.manifest.wildcards).toBe(true);
  });

  it("keeps buckets near 32 slices and never makes more than 512 of them", () => {
    expect(bucketCount(0)).toBe(1);
    expect(bucketCount(32)).toBe(1);
    expect(bucketCount(33)).toBe(2);
    expect(bucketCount(10_000)).toBe(512);
    expect(bucketCount(100_000)).toBe(MAX_BUCKETS);
  });

  it("refuses a part that is not JSON, has the wrong shape, or names what it does not carry", async () => {
    const table = await richTable();
    const sharded = await shardTable(table);
    expect(readManifest("{").ok).toBe(false);
    expect(readManifest(JSON.stringify({ ...sharded.manifest, buckets: ["a", "b", "c"] })).ok).toBe(false);
    const index = readIndex(sharded.parts.get(sharded.manifest.index) ?? "");
    if (!index.ok) throw new Error("index");
    expect(readIndex(JSON.stringify({ ...index.value, backends: [] }))).toMatchObject({ ok: false, issues: [{ message: 'unknown backend "ns/any:80"' }, { message: 'unknown backend "ns/default:80"' }] });
    const orphan: HostSlice = { key: "x.test", rules: [{ path: "/", pathType: "Prefix", backend: "ns/none:80", ingress: "ns/x" }], backends: [] };
    expect(readSlice(orphan, index.value)).toMatchObject({ ok: false, issues: [{ path: "x.test: rules[0].backend" }] });
    const strayNode: HostSlice = { key: "x.test", backends: [{ id: "ns/x:80", nodePort: 30000, targets: [{ node: "node-z", weight: 1 }] }] };
    expect(readSlice(strayNode, index.value as TableIndex).ok).toBe(false);
    expect(readSlice({ key: "x.test", backends: [], extra: 1 }, index.value).ok).toBe(false);
  });
});
