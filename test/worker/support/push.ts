import { env } from "cloudflare:workers";
import type { JWK } from "jose";
import { signPushToken, type SignPushTokenOptions } from "../../../core/push/push-token.ts";
import type { TestEdge } from "./edge.ts";

export const privateJwk = JSON.parse(env.TEST_PUSH_PRIVATE_JWK) as JWK;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export async function pushToken(body: string, options: SignPushTokenOptions = {}, now = nowSeconds()): Promise<string> {
  return signPushToken(privateJwk, body, now, options);
}

export async function push(edge: TestEdge, body: string, token?: string): Promise<Response> {
  return edge.send("https://edge.example/.well-known/edge-ingress/table", {
    method: "POST",
    body,
    headers: { authorization: `Bearer ${token ?? (await pushToken(body))}`, "content-type": "application/json" },
  });
}

export interface EdgeStatus {
  table: { version: string; generation: number; ageSeconds: number; source: string; layout: "sharded" | "single-value" } | null;
  pointer: { kind: "durable-object" | "kv"; checkMs: number; note?: string };
  lastRefresh: { outcome: string; detail?: string } | null;
  counts: { hosts: number; rules: number; backends: number; nodes: number; targets: number; problems: number; backendsWithoutTargets: number; backendsFailedOpen: number } | null;
  down: { node: string; nodePort: number; consecutiveFailures: number }[];
  /** Ids of the backends the agent serves on every target because every one failed its checks. */
  failedOpen: string[];
  transport: { name: string; ready: boolean; unreachableTargets?: number; problem?: string };
  cookieAffinity: string;
}

export async function readStatus(edge: TestEdge): Promise<EdgeStatus> {
  const response = await edge.send("https://edge.example/.well-known/edge-ingress/status", {
    headers: { authorization: `Bearer ${await pushToken("", { operation: "status" })}` },
  });
  if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
  return (await response.json()) as EdgeStatus;
}
