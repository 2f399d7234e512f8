/**
 * What the edge spends of Cloudflare's quotas, from a stated cluster and traffic: one pure function, read by
 * `npm run check:deploy` and quoted by the README. Sources: developers.cloudflare.com workers/platform/limits and
 * pricing, kv/platform/limits and pricing, durable-objects/platform/pricing (as summarised in the project's notes).
 */
import { bucketCount } from "../table/table-shards.ts";

export const DAY_MS = 86_400_000;

/** Workers Free, per day. */
export const FREE = { requests: 100_000, cpuMsPerRequest: 10, kvReads: 100_000, kvWrites: 1_000, kvDeletes: 1_000, doRequests: 100_000, doGbSeconds: 13_000 } as const;
/** Workers Paid: included per month, then the price per million. */
export const PAID = {
  kvReadsIncluded: 10_000_000, kvReadPerMillion: 0.5,
  kvWritesIncluded: 1_000_000, kvWritePerMillion: 5,
  doRequestsIncluded: 1_000_000, doRequestPerMillion: 0.15,
  doGbSecondsIncluded: 400_000, doGbSecondPerMillion: 12.5,
} as const;
/** A Durable Object is billed 128 MB of duration while it is active. */
const DO_GB = 0.125;

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
  /** Active all day once checks come more often than every few seconds: at most 86,400 s × 128 MB. */
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
  /** Paid plan: $5 a month base, plus what exceeds its inclusions. */
  readonly paidUsdPerMonth: number;
}

export function planBudget(input: BudgetInput): Budget {
  const buckets = bucketCount(input.ingresses);
  const checksPerDay = Math.min(input.requestsPerDay, input.isolates * Math.ceil(DAY_MS / Math.max(1, input.checkMs)));
  const doRequestsPerDay = input.pointer ? checksPerDay : 0;
  const doGbSecondsPerDay = input.pointer ? Math.min(DAY_MS / 1000, checksPerDay * Math.min(10, input.checkMs / 1000)) * DO_GB : 0;
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
    + over(kvReadsPerDay, PAID.kvReadsIncluded, PAID.kvReadPerMillion)
    + over(kvWritesPerDay + kvDeletesPerDay, PAID.kvWritesIncluded, PAID.kvWritePerMillion)
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
