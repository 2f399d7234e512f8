/**
 * What the edge spends of Cloudflare's quotas, from a stated cluster and traffic: one pure function, read by
 * `npm run check:deploy` and quoted by the README. Figures checked on 2026-12-02 against developers.cloudflare.com:
 * workers/platform/limits (Free: 100,000 requests a day, 10 ms CPU), workers/platform/pricing (Paid: 10 M requests a
 * month, then $0.30 per million), kv/platform/limits and kv/platform/pricing (Free: 100,000 reads, 1,000 writes, 1,000
 * deletes a day; Paid: 10 M reads, then $0.50 per million; 1 M writes, 1 M deletes, each then $5.00 per million),
 * durable-objects/platform/pricing (Free: 100,000 requests and 13,000 GB-s a day; Paid: 1 M requests, then $0.15 per
 * million, 400,000 GB-s, then $12.50 per million; every RPC method call on a stub is one request; duration is billed
 * at 128 MB while the object runs, or idles unable to hibernate — an idle object that may hibernate is not billed).
 */
import { bucketCount } from "../table/table-shards.ts";

export const DAY_MS = 86_400_000;

/** Workers Free, per day. */
export const FREE = { requests: 100_000, cpuMsPerRequest: 10, kvReads: 100_000, kvWrites: 1_000, kvDeletes: 1_000, doRequests: 100_000, doGbSeconds: 13_000 } as const;
/** Workers Paid: included per month, then the price per million. */
export const PAID = {
  requestsIncluded: 10_000_000, requestPerMillion: 0.3,
  kvReadsIncluded: 10_000_000, kvReadPerMillion: 0.5,
  kvWritesIncluded: 1_000_000, kvWritePerMillion: 5,
  kvDeletesIncluded: 1_000_000, kvDeletePerMillion: 5,
  doRequestsIncluded: 1_000_000, doRequestPerMillion: 0.15,
  doGbSecondsIncluded: 400_000, doGbSecondPerMillion: 12.5,
} as const;
/** A Durable Object is billed 128 MB of duration while it is active. */
const DO_GB = 0.125;
/**
 * Wall-clock seconds one pointer request keeps the object active: an upper bound for `read()`, which answers from
 * memory (a KV read of the head at most every 30 s). The object holds no timer or WebSocket, so between requests it
 * may hibernate and is not billed.
 */
export const DO_ACTIVE_SECONDS_PER_REQUEST = 0.05;

export interface BudgetInput {
  readonly ingresses: number;
  /** Isolates serving around the clock (every location with traffic runs at least one). */
  readonly isolates: number;
  readonly requestsPerDay: number;
  /** Table changes a day (edits, endpoint changes, health transitions). */
  readonly changesPerDay: number;
  /** The TABLE_POINTER Durable Object is bound (else the head is polled in KV). */
  readonly pointer: boolean;
  /** EDGE_POINTER_CHECK_MS with the object, EDGE_TABLE_REFRESH_MS without. */
  readonly checkMs: number;
  /** Buckets a change rewrites (one host, or one Service's hosts): 1 for the usual change. */
  readonly bucketsPerChange?: number;
}

export interface Budget {
  /** A check happens only inside a request, so an isolate checks at most once per request. */
  readonly checksPerDay: number;
  readonly doRequestsPerDay: number;
  /** Requests × {@link DO_ACTIVE_SECONDS_PER_REQUEST} × 128 MB, at most 86,400 s × 128 MB (active all day). */
  readonly doGbSecondsPerDay: number;
  readonly kvReadsPerDay: number;
  readonly kvWritesPerChange: number;
  readonly kvWritesPerDay: number;
  readonly kvDeletesPerDay: number;
  /** Writes of the first publication (every bucket, the index, the manifest, the head). */
  readonly kvWritesFirstPublication: number;
  readonly fitsFree: boolean;
  /** What is over on Free, said. */
  readonly overFree: readonly string[];
  /** Paid plan: $5 a month base, plus what exceeds its inclusions (Worker requests, KV, the object; CPU time not counted). */
  readonly paidUsdPerMonth: number;
}

export function planBudget(input: BudgetInput): Budget {
  const buckets = bucketCount(input.ingresses);
  const checksPerDay = Math.min(input.requestsPerDay, input.isolates * Math.ceil(DAY_MS / Math.max(1, input.checkMs)));
  const doRequestsPerDay = input.pointer ? checksPerDay : 0;
  const doGbSecondsPerDay = Math.min(DAY_MS / 1000, doRequestsPerDay * DO_ACTIVE_SECONDS_PER_REQUEST) * DO_GB;
  const changed = input.bucketsPerChange ?? 1;
  // Per change and isolate: the manifest, the index, the changed buckets it serves (at most those changed).
  const readsPerChange = input.isolates * (2 + changed);
  const headReads = input.pointer ? 0 : checksPerDay;
  const kvReadsPerDay = headReads + input.changesPerDay * readsPerChange;
  // Changed buckets and the manifest; the head too without the object (with it, the head is a DO request).
  const kvWritesPerChange = changed + 1 + (input.pointer ? 0 : 1);
  const kvWritesPerDay = input.changesPerDay * kvWritesPerChange;
  const kvDeletesPerDay = input.changesPerDay * (changed + 1);
  const overFree: string[] = [];
  if (input.requestsPerDay > FREE.requests) overFree.push(`${input.requestsPerDay} requests a day > ${FREE.requests}`);
  if (kvReadsPerDay > FREE.kvReads) overFree.push(`${kvReadsPerDay} KV reads a day > ${FREE.kvReads}`);
  if (kvWritesPerDay > FREE.kvWrites) overFree.push(`${kvWritesPerDay} KV writes a day > ${FREE.kvWrites}`);
  if (kvDeletesPerDay > FREE.kvDeletes) overFree.push(`${kvDeletesPerDay} KV deletes a day > ${FREE.kvDeletes}`);
  if (doRequestsPerDay > FREE.doRequests) overFree.push(`${doRequestsPerDay} Durable Object requests a day > ${FREE.doRequests}`);
  if (doGbSecondsPerDay > FREE.doGbSeconds) overFree.push(`${Math.round(doGbSecondsPerDay)} Durable Object GB-s a day > ${FREE.doGbSeconds}`);
  const month = 30;
  const over = (used: number, included: number, perMillion: number) => (Math.max(0, used * month - included) / 1_000_000) * perMillion;
  const paidUsdPerMonth = 5
    + over(input.requestsPerDay, PAID.requestsIncluded, PAID.requestPerMillion)
    + over(kvReadsPerDay, PAID.kvReadsIncluded, PAID.kvReadPerMillion)
    + over(kvWritesPerDay, PAID.kvWritesIncluded, PAID.kvWritePerMillion)
    + over(kvDeletesPerDay, PAID.kvDeletesIncluded, PAID.kvDeletePerMillion)
    + over(doRequestsPerDay, PAID.doRequestsIncluded, PAID.doRequestPerMillion)
    + over(doGbSecondsPerDay, PAID.doGbSecondsIncluded, PAID.doGbSecondPerMillion);
  return {
    checksPerDay,
    doRequestsPerDay,
    doGbSecondsPerDay,
    kvReadsPerDay,
    kvWritesPerChange,
    kvWritesPerDay,
    kvDeletesPerDay,
    kvWritesFirstPublication: buckets + 2 + (input.pointer ? 0 : 1),
    fitsFree: overFree.length === 0,
    overFree,
    paidUsdPerMonth: Math.round(paidUsdPerMonth * 100) / 100,
  };
}

/** The README's small cluster: 50 Ingresses, 5 Nodes, moderate traffic from a few locations. */
export const SMALL_CLUSTER: Omit<BudgetInput, "pointer" | "checkMs"> = { ingresses: 50, isolates: 3, requestsPerDay: 50_000, changesPerDay: 100 };
