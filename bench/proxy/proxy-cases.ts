import type { TargetKey } from "./proxy-targets.ts";

/**
 * What is measured, in report order. New clients carry no cookie, so every request is balanced and given a
 * stickiness cookie; returning clients send the cookie their first answer set, so every request is pinned
 * (our worker verifies its signed cookie, HAProxy looks its cookie up).
 */
export interface ProxyCase {
  readonly key: string;
  readonly target: TargetKey;
  readonly returning: boolean;
  /** Sent to the host whose Ingress asks for no affinity (our worker only): no cookie read, none set. */
  readonly withoutAffinity?: boolean;
  readonly label: string;
}

export const PROXY_CASES: readonly ProxyCase[] = [
  { key: "worker", target: "worker", returning: false, label: "(a) our worker on workerd" },
  { key: "passThrough", target: "passThrough", returning: false, label: "(b) pass-through worker on workerd" },
  { key: "haproxy", target: "haproxy", returning: false, label: "(c) HAProxy, cookie + health checks" },
  { key: "direct", target: "direct", returning: false, label: "(d) direct to one backend" },
  { key: "workerReturning", target: "worker", returning: true, label: "(a) our worker, returning client" },
  { key: "haproxyReturning", target: "haproxy", returning: true, label: "(c) HAProxy, returning client" },
  { key: "workerWithoutAffinity", target: "worker", returning: false, withoutAffinity: true, label: "(a) our worker, Ingress without affinity" },
];

export const TARGET_LABELS: Readonly<Record<TargetKey, string>> = {
  worker: "our worker on workerd",
  passThrough: "pass-through worker on workerd",
  haproxy: "HAProxy",
  direct: "direct to one backend",
};
