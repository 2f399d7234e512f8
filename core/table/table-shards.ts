/**
 * The routing table as the edge stores it: a storage encoding of the one canonical table, derived from it
 * deterministically, so that a cold isolate reads only what a request for one host needs.
 *
 * - A **slice** per host key (an exact host, or `*.parent` for a wildcard): its rules, its TLS redirect, its
 *   from-to-www redirect, and the backends and policies those rules name. Self-contained, so a request's host needs
 *   nothing from any other host.
 * - **Buckets**: the slices packed by a hash of their key into a power-of-two number of buckets (at most
 *   {@link MAX_BUCKETS}), each stored under the SHA-256 of its bytes. An unchanged bucket keeps its key, so a
 *   change writes only the buckets it touches.
 * - An **index**: what every host needs — the Nodes, the host-less rules, the default backend, the backends and
 *   policies those name. Also content-addressed.
 * - A **manifest**: the table's version, the index's and every bucket's hash, the table-wide counts. Small
 *   (a 64-character hash per bucket); stored under its own hash, which the version pointer names.
 *
 * Reading back checks each part against the hash it was named by (so a part is exactly what the pointer's
 * version wrote: never a mix of versions), then its shape, in time proportional to the part.
 */
import { z } from "zod";
import { toCanonicalJson } from "./canonical-json.ts";
import type { HostRedirect, RoutePolicy } from "./route-policy.ts";
import { type Backend, type DefaultBackend, downOf, isFailedOpen, type RoutingTable, type Rule, ruleSource, TABLE_SCHEMA, type TableNode } from "./schema.ts";
import { backendSchema, formatPath, hostRedirectSchema, nodeSchema, ruleSchema, type TableIssue } from "./validate-table.ts";
import { routePolicySchema } from "./validate-route-policy.ts";

/** Bumped when the encoding changes in a way an older edge would misread. */
export const SHARD_FORMAT = 1;
/** Slices per bucket the bucket count aims at, until {@link MAX_BUCKETS}. */
export const SLICES_PER_BUCKET = 32;
/**
 * Keeps a whole first publication (buckets + index + manifest) under the 1,000 KV operations one Worker
 * invocation may make, and the manifest small (512 × 67 bytes ≈ 34 KB). Past 16,384 host keys buckets grow instead.
 */
export const MAX_BUCKETS = 512;

export interface HostSlice {
  /** An exact host, or `*.parent` for a wildcard. */
  readonly key: string;
  /** The table's rules for this key; absent when the table has none (a TLS- or redirect-only key). */
  readonly rules?: readonly Rule[];
  /** The table's TLS entry for this key: whether plain http is redirected. Absent: no TLS entry. */
  readonly tls?: boolean;
  /** ingress-nginx from-to-www-redirect from this (exact) host. */
  readonly redirect?: { readonly to: string; readonly ingress: string };
  /** Every backend its rules and canaries name, in table order. */
  readonly backends: readonly Backend[];
  /** The policies of its rules' Ingresses; absent when none. */
  readonly policies?: readonly RoutePolicy[];
}

export interface TableBucket {
  readonly format: typeof SHARD_FORMAT;
  /** Sorted by key. */
  readonly slices: readonly HostSlice[];
}

export interface TableIndex {
  readonly format: typeof SHARD_FORMAT;
  readonly schema: typeof TABLE_SCHEMA;
  readonly nodes: readonly TableNode[];
  /** The host-less rules (`host: ""`), which apply to every host; null when the table has none. */
  readonly anyHost: readonly Rule[] | null;
  readonly defaultBackend: DefaultBackend | null;
  readonly backends: readonly Backend[];
  readonly policies?: readonly RoutePolicy[];
}

export interface TableCounts {
  readonly hosts: number;
  readonly rules: number;
  readonly backends: number;
  readonly backendsWithoutTargets: number;
  readonly backendsFailedOpen: number;
  readonly nodes: number;
  readonly targets: number;
  readonly problems: number;
}

export interface TableManifest {
  readonly format: typeof SHARD_FORMAT;
  /** The table's version (the hash of its canonical content). */
  readonly version: string;
  /** SHA-256 (hex) of the index's bytes. */
  readonly index: string;
  /** SHA-256 (hex) of each bucket's bytes; a power of two of them. */
  readonly buckets: readonly string[];
  /** Whether any slice key is a wildcard: if not, a request reads one bucket, not two. */
  readonly wildcards: boolean;
  /**
   * Some slice key is an any-depth wildcard (`**.parent`, Gateway API hostnames): a request also reads one per
   * suffix of its host. Absent (never false): none, and the manifest is what it was before such keys existed.
   */
  readonly deepWildcards?: true;
  readonly counts: TableCounts;
  /** Backend ids serving every target because every one failed the agent's checks. */
  readonly failedOpen: readonly string[];
}

export interface ShardedTable {
  readonly manifest: TableManifest;
  readonly manifestHash: string;
  readonly manifestText: string;
  /** Hash → bytes of the index and every distinct bucket. */
  readonly parts: ReadonlyMap<string, string>;
}

export type PartReading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly TableIssue[] };

/** Splits a validated table into its stored parts. Pure and deterministic: the same table gives the same keys. */
export async function shardTable(table: RoutingTable): Promise<ShardedTable> {
  const backends = new Map(table.backends.map((backend) => [backend.id, backend]));
  const policies = new Map((table.policies ?? []).map((policy) => [policy.ingress, policy]));
  const slices = new Map<string, { rules?: readonly Rule[]; tls?: boolean; redirect?: HostRedirect }>();
  const sliceOf = (key: string) => {
    let slice = slices.get(key);
    if (slice === undefined) {
      slice = {};
      slices.set(key, slice);
    }
    return slice;
  };
  let anyHost: readonly Rule[] | null = null;
  for (const entry of table.hosts) {
    if (entry.host === "") anyHost = entry.rules;
    else sliceOf(entry.host).rules = entry.rules;
  }
  for (const tls of table.tls) sliceOf(tls.host).tls = tls.redirect;
  for (const redirect of table.hostRedirects ?? []) sliceOf(redirect.from).redirect = redirect;

  const count = bucketCount(slices.size);
  const buckets: HostSlice[][] = Array.from({ length: count }, () => []);
  for (const key of [...slices.keys()].sort()) {
    const found = slices.get(key) ?? {};
    const named = namedBy(found.rules ?? [], backends, policies);
    const slice: HostSlice = {
      key,
      ...(found.rules === undefined ? {} : { rules: found.rules }),
      ...(found.tls === undefined ? {} : { tls: found.tls }),
      ...(found.redirect === undefined ? {} : { redirect: { to: found.redirect.to, ingress: found.redirect.ingress } }),
      backends: named.backends,
      ...(named.policies.length === 0 ? {} : { policies: named.policies }),
    };
    buckets[bucketOf(key, count)]?.push(slice);
  }
  const fallback: Rule[] = table.defaultBackend === null ? [] : [{ path: "/", pathType: "Prefix", backend: table.defaultBackend.backend, ingress: table.defaultBackend.ingress }];
  const common = namedBy([...(anyHost ?? []), ...fallback], backends, policies);
  const index: TableIndex = {
    format: SHARD_FORMAT,
    schema: TABLE_SCHEMA,
    nodes: table.nodes,
    anyHost,
    defaultBackend: table.defaultBackend,
    backends: common.backends,
    ...(common.policies.length === 0 ? {} : { policies: common.policies }),
  };
  const parts = new Map<string, string>();
  const store = async (value: unknown): Promise<string> => {
    const text = toCanonicalJson(value);
    const hash = await sha256Hex(text);
    parts.set(hash, text);
    return hash;
  };
  const indexHash = await store(index);
  const bucketHashes: string[] = [];
  for (const slicesOfBucket of buckets) bucketHashes.push(await store({ format: SHARD_FORMAT, slices: slicesOfBucket } satisfies TableBucket));
  const manifest: TableManifest = {
    format: SHARD_FORMAT,
    version: table.version,
    index: indexHash,
    buckets: bucketHashes,
    wildcards: [...slices.keys()].some((key) => key.startsWith("*.")),
    ...([...slices.keys()].some((key) => key.startsWith("**.")) ? { deepWildcards: true as const } : {}),
    counts: countTable(table),
    failedOpen: table.backends.filter(isFailedOpen).map((backend) => backend.id),
  };
  const manifestText = toCanonicalJson(manifest);
  return { manifest, manifestHash: await sha256Hex(manifestText), manifestText, parts };
}

/** The power of two that keeps buckets near {@link SLICES_PER_BUCKET} slices, capped at {@link MAX_BUCKETS}. */
export function bucketCount(slices: number): number {
  let count = 1;
  while (count < MAX_BUCKETS && count * SLICES_PER_BUCKET < slices) count *= 2;
  return count;
}

/** FNV-1a over the key's UTF-16 code units: stable on every runtime, spread enough for packing. */
export function bucketOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (count - 1);
}

/**
 * The slice keys a request for `host` (normalised) reads: its own, its parent's wildcard, and (`deep`) the
 * any-depth wildcard of every suffix (`**.b.c` and `**.c` for `a.b.c`).
 */
export function sliceKeysFor(host: string): { readonly exact: string; readonly wildcard: string | null; readonly deep: readonly string[] } {
  const dot = host.indexOf(".");
  const deep: string[] = [];
  for (let at = dot; at >= 0; at = host.indexOf(".", at + 1)) deep.push(`**.${host.slice(at + 1)}`);
  return { exact: host, wildcard: dot < 0 ? null : `*.${host.slice(dot + 1)}`, deep };
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

const hash = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 hex digits");
const count = z.number().int().min(0);

const manifestSchema = z.strictObject({
  format: z.literal(SHARD_FORMAT),
  version: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>"),
  index: hash,
  buckets: z.array(hash).min(1).max(MAX_BUCKETS).refine((list) => (list.length & (list.length - 1)) === 0, "must be a power of two long"),
  wildcards: z.boolean(),
  deepWildcards: z.literal(true).optional(),
  counts: z.strictObject({ hosts: count, rules: count, backends: count, backendsWithoutTargets: count, backendsFailedOpen: count, nodes: count, targets: count, problems: count }),
  failedOpen: z.array(z.string()),
});

const indexSchema = z.strictObject({
  format: z.literal(SHARD_FORMAT),
  schema: z.literal(TABLE_SCHEMA),
  nodes: z.array(nodeSchema),
  anyHost: z.array(ruleSchema).nullable(),
  defaultBackend: z.strictObject({ backend: z.string().min(1), ingress: z.string().min(1) }).nullable(),
  backends: z.array(backendSchema),
  policies: z.array(routePolicySchema).optional(),
});

const sliceSchema = z.strictObject({
  key: z.string().min(1),
  rules: z.array(ruleSchema).optional(),
  tls: z.boolean().optional(),
  redirect: hostRedirectSchema.omit({ from: true }).optional(),
  backends: z.array(backendSchema),
  policies: z.array(routePolicySchema).optional(),
});

/** The bucket's outline: its slices are checked one by one, when a request needs them. */
const bucketSchema = z.strictObject({
  format: z.literal(SHARD_FORMAT),
  slices: z.array(z.looseObject({ key: z.string() })),
});

export function readManifest(text: string): PartReading<TableManifest> {
  return readPart(text, manifestSchema);
}

export function readIndex(text: string): PartReading<TableIndex> {
  const read = readPart(text, indexSchema);
  if (!read.ok) return read;
  const nodes = new Set<string>();
  const issues: TableIssue[] = [];
  read.value.nodes.forEach((node, i) => {
    if (nodes.has(node.name)) issues.push({ path: `nodes[${i}].name`, message: `duplicate node "${node.name}"` });
    nodes.add(node.name);
  });
  const named = [...(read.value.anyHost ?? []), ...(read.value.defaultBackend === null ? [] : [{ backend: read.value.defaultBackend.backend }])];
  issues.push(...brokenReferences(named, read.value.backends, nodes, ""));
  return issues.length === 0 ? read : { ok: false, issues };
}

/** A bucket: slice key → the slice as stored, still to be checked by {@link readSlice}. */
export function readBucket(text: string): PartReading<ReadonlyMap<string, unknown>> {
  const read = readPart(text, bucketSchema);
  if (!read.ok) return read;
  return { ok: true, value: new Map(read.value.slices.map((slice) => [slice.key, slice])) };
}

/** Checks one slice: its shape, and that its rules name its own backends and those name the index's Nodes. */
export function readSlice(value: unknown, index: TableIndex): PartReading<HostSlice> {
  const parsed = sliceSchema.safeParse(value);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
  const slice: HostSlice = parsed.data;
  const issues = brokenReferences(slice.rules ?? [], slice.backends, new Set(index.nodes.map((node) => node.name)), `${slice.key}: `);
  return issues.length === 0 ? { ok: true, value: slice } : { ok: false, issues };
}

/**
 * The table a request for one host is routed by: the slices of its exact and wildcard keys over the index. The
 * matcher gives it the same answer as the whole table for any request to that host.
 */
export function assembleHostTable(version: string, generation: number, index: TableIndex, slices: readonly HostSlice[]): RoutingTable {
  const backends = new Map<string, Backend>();
  const policies = new Map<string, RoutePolicy>();
  for (const part of [index, ...slices]) {
    for (const backend of part.backends) backends.set(backend.id, backend);
    for (const policy of part.policies ?? []) policies.set(policy.ingress, policy);
  }
  const hosts = slices.flatMap((slice) => (slice.rules === undefined ? [] : [{ host: slice.key, rules: slice.rules }]));
  if (index.anyHost !== null) hosts.push({ host: "", rules: index.anyHost });
  const hostRedirects = slices.flatMap((slice) => (slice.redirect === undefined ? [] : [{ from: slice.key, ...slice.redirect }]));
  return {
    schema: TABLE_SCHEMA,
    version,
    generation,
    nodes: index.nodes,
    hosts,
    defaultBackend: index.defaultBackend,
    backends: [...backends.values()],
    tls: slices.flatMap((slice) => (slice.tls === undefined ? [] : [{ host: slice.key, redirect: slice.tls }])),
    problems: [],
    ...(policies.size === 0 ? {} : { policies: [...policies.values()] }),
    ...(hostRedirects.length === 0 ? {} : { hostRedirects }),
  };
}

function readPart<T>(text: string, schema: z.ZodType<T>): PartReading<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: "(root)", message: error instanceof Error ? error.message : "not JSON" }] };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
}

function namedBy(rules: readonly Pick<Rule, "backend" | "ingress" | "canary" | "split">[], backends: ReadonlyMap<string, Backend>, policies: ReadonlyMap<string, RoutePolicy>): { backends: Backend[]; policies: RoutePolicy[] } {
  const ids = new Set<string>();
  const ingresses = new Set<string>();
  for (const rule of rules) {
    if (rule.backend !== "") ids.add(rule.backend);
    if (rule.canary !== undefined) ids.add(rule.canary.backend);
    for (const share of rule.split ?? []) if (share.backend !== undefined) ids.add(share.backend);
    ingresses.add(rule.ingress);
  }
  const named = [...ids].sort().flatMap((id) => {
    const backend = backends.get(id);
    return backend === undefined ? [] : [backend];
  });
  const namedPolicies = [...ingresses].sort().flatMap((ingress) => {
    const policy = policies.get(ingress);
    return policy === undefined ? [] : [policy];
  });
  return { backends: named, policies: namedPolicies };
}

function brokenReferences(rules: readonly (Pick<Rule, "backend" | "canary" | "split"> & { readonly ingress?: string })[], backends: readonly Backend[], nodes: ReadonlySet<string>, where: string): TableIssue[] {
  const issues: TableIssue[] = [];
  const ids = new Set(backends.map((backend) => backend.id));
  rules.forEach((rule, i) => {
    // "": an HTTPRoute rule whose backends did not resolve (it answers 500), as validate-table.ts allows.
    const routeWithout = rule.backend === "" && rule.ingress !== undefined && ruleSource(rule.ingress).kind === "HTTPRoute";
    if (!routeWithout && !ids.has(rule.backend)) issues.push({ path: `${where}rules[${i}].backend`, message: `unknown backend "${rule.backend}"` });
    rule.split?.forEach((share, k) => {
      if (share.backend !== undefined && !ids.has(share.backend)) issues.push({ path: `${where}rules[${i}].split[${k}].backend`, message: `unknown backend "${share.backend}"` });
    });
    if (rule.canary !== undefined && !ids.has(rule.canary.backend)) issues.push({ path: `${where}rules[${i}].canary.backend`, message: `unknown backend "${rule.canary.backend}"` });
  });
  backends.forEach((backend, i) => {
    if (backend.targets === "all-nodes") return;
    backend.targets.forEach((target, j) => {
      if (!nodes.has(target.node)) issues.push({ path: `${where}backends[${i}].targets[${j}].node`, message: `unknown node "${target.node}"` });
    });
  });
  return issues;
}

function countTable(table: RoutingTable): TableCounts {
  const nodes = new Set(table.nodes.map((node) => node.name));
  let targets = 0;
  let withoutTargets = 0;
  for (const backend of table.backends) {
    const down = new Set(downOf(backend));
    let usable = 0;
    if (backend.targets === "all-nodes") {
      usable = nodes.size;
      for (const node of down) if (nodes.has(node)) usable--;
    } else {
      for (const target of backend.targets) if (nodes.has(target.node) && !down.has(target.node)) usable++;
    }
    targets += usable;
    if (usable === 0) withoutTargets++;
  }
  return {
    hosts: table.hosts.length,
    rules: table.hosts.reduce((sum, host) => sum + host.rules.length, 0),
    backends: table.backends.length,
    backendsWithoutTargets: withoutTargets,
    backendsFailedOpen: table.backends.filter(isFailedOpen).length,
    nodes: table.nodes.length,
    targets,
    problems: table.problems.length,
  };
}
