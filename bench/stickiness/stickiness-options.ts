import { parseArgs } from "node:util";

export interface StickinessOptions {
  readonly clients: number;
  readonly targetCounts: readonly number[];
  readonly seed: number;
}

export const STICKINESS_USAGE = `npm run bench -- stickiness [options]
  --clients N        client addresses                     (default 100000)
  --targets N,N,…    target counts to measure             (default 3,5,10,30)
  --seed N           seed of the client addresses         (default 1)`;

export function parseStickinessOptions(args: readonly string[]): StickinessOptions {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      clients: { type: "string", default: "100000" },
      targets: { type: "string", default: "3,5,10,30" },
      seed: { type: "string", default: "1" },
    },
  });
  const problems: string[] = [];
  const clients = Number(values.clients);
  if (!Number.isInteger(clients) || clients < 100 || clients > 10_000_000) problems.push(`--clients must be an integer from 100 to 10000000, got "${values.clients}"`);
  const targetCounts = values.targets.split(",").map((part) => Number(part.trim()));
  if (targetCounts.some((count) => !Number.isInteger(count) || count < 2 || count > 1000)) {
    problems.push(`--targets must be integers from 2 to 1000, comma-separated, got "${values.targets}"`);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) problems.push(`--seed must be an integer, got "${values.seed}"`);
  if (problems.length > 0) throw new Error(`stickiness benchmark options:\n  ${problems.join("\n  ")}\n\n${STICKINESS_USAGE}`);
  return { clients, targetCounts, seed };
}
