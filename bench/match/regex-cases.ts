import { compileRoutes, matchRequest } from "../../core/match/match-request.ts";
import { compileRegexPath, type RegexPath } from "../../core/match/regex-path.ts";
import { createSeededRandom } from "../harness/seeded-random.ts";
import { generateOneRegexHost, generateRegexHosts, type RegexCase } from "./generate-regex-table.ts";

export interface TimedCase {
  readonly label: string;
  readonly buildMs: number;
  /** One pass over the case's requests; returns how many were routed, so that the work cannot be optimised away. */
  readonly run: () => number;
  /** One pass timing each request on its own (timer cost included), into `into`. */
  readonly timeEach: (into: number[]) => number;
}

/** A case's requests through `matchRequest` exactly as the worker calls it, on the edge's (packed) finder. */
export function timedCase(label: string, generated: RegexCase): TimedCase {
  const started = performance.now();
  const routes = compileRoutes(generated.table);
  const buildMs = performance.now() - started;
  const { requests } = generated;
  return {
    label,
    buildMs,
    run: () => {
      let routed = 0;
      for (const request of requests) if (matchRequest(routes, { scheme: "https", host: request.host, path: request.path }).kind === "route") routed++;
      return routed;
    },
    timeEach: (into) => {
      let routed = 0;
      for (const request of requests) {
        const start = process.hrtime.bigint();
        const decision = matchRequest(routes, { scheme: "https", host: request.host, path: request.path });
        into.push(Number(process.hrtime.bigint() - start));
        if (decision.kind === "route") routed++;
      }
      return routed;
    },
  };
}

/** 1,000 patterns on one host; 1,000 hosts of three patterns each: ingress-nginx regex mode at scale. */
export function prepareRegexCases(requests: number): TimedCase[] {
  return [
    timedCase("1,000 regex paths on one host", generateOneRegexHost(1_000, requests, createSeededRandom(1))),
    timedCase("1,000 hosts × 3 regex paths", generateRegexHosts(1_000, 3, requests, createSeededRandom(2))),
  ];
}

export interface HostileFigures {
  readonly pattern: string;
  readonly plainPattern: string;
  readonly pathBytes: number;
  /** Median µs per test of the hostile pattern, and of a plain one of similar size, against the same path. */
  readonly hostileUs: number;
  readonly plainUs: number;
}

const HOSTILE: readonly (readonly [hostile: string, plain: string])[] = [
  ["/(a+)+$", "/[a-z]+$"],
  ["/(a|aa)*b", "/[a-z]*b"],
  ["/(a*)*c$", "/a*c$"],
];

/**
 * Patterns that take a backtracking engine exponential time, against an 8 KiB path that almost matches (all `a`,
 * then `!`), each beside a plain pattern of similar size that must read the whole path too: on RE2 both are linear
 * in the path, so their costs should be alike. Runs alternate between the two, median of 31 each.
 */
export function measureHostilePatterns(pathBytes = 8 * 1024): HostileFigures[] {
  const path = `/${"a".repeat(pathBytes - 2)}!`;
  const compiled = (pattern: string): RegexPath => {
    const result = compileRegexPath(pattern, { ignoreCase: true });
    if (!result.ok) throw new Error(`${pattern}: ${result.problem}`);
    return result.regex;
  };
  return HOSTILE.map(([hostilePattern, plainPattern]) => {
    const hostile = compiled(hostilePattern);
    const plain = compiled(plainPattern);
    const time = (regex: RegexPath): number => {
      const start = process.hrtime.bigint();
      if (regex.test(path)) throw new Error(`${regex.pattern} should not match`);
      return Number(process.hrtime.bigint() - start) / 1000;
    };
    for (let i = 0; i < 5; i++) time(hostile) + time(plain);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 31; i++) {
      if (i % 2 === 0) { a.push(time(hostile)); b.push(time(plain)); } else { b.push(time(plain)); a.push(time(hostile)); }
    }
    const median = (list: number[]): number => Math.round((list.sort((x, y) => x - y)[Math.floor(list.length / 2)] ?? Number.NaN) * 10) / 10;
    return { pattern: hostilePattern, plainPattern, pathBytes: path.length, hostileUs: median(a), plainUs: median(b) };
  });
}
