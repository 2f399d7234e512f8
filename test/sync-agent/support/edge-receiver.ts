import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { importJWK, type JWK, jwtVerify } from "jose";
import type { RoutingTable } from "../../../core/table/schema.ts";

export interface ReceivedPush {
  readonly table: RoutingTable;
  readonly body: string;
  /** Which of the trusted keys signed it. */
  readonly signer: string;
  readonly at: number;
}

/**
 * A stand-in for the edge worker's sync endpoint, on 127.0.0.1: verifies the push token with jose exactly as the
 * contract says (ES256, typ, issuer, audience, lifetime ≤ 300 s, jti not replayed, body bound by SHA-256),
 * refuses an older generation with 409, and records what it accepted.
 */
export class EdgeReceiver {
  readonly pushes: ReceivedPush[] = [];
  readonly refusals: { status: number; reason: string }[] = [];
  private readonly keys = new Map<string, CryptoKey>();
  private readonly seenJti = new Set<string>();
  private failures: number[] = [];
  private server: Server | null = null;
  /** Merged into each accepted push's answer, as the worker adds its transport's verdict on the table. */
  answerWith: (table: RoutingTable) => Record<string, unknown> = () => ({});
  /** Called with each accepted push before it is answered (for invariants checked at push time). */
  onPush: (push: ReceivedPush) => void = () => {};

  async trust(name: string, publicJwk: JWK): Promise<void> {
    const key = await importJWK(publicJwk, "ES256");
    if (key instanceof Uint8Array) throw new Error("not an EC key");
    this.keys.set(name, key);
  }

  /** The next requests get these HTTP statuses (one per request) instead of being processed. */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${address?.port ?? 0}`;
  }

  latest(): RoutingTable | undefined {
    return this.pushes.at(-1)?.table;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        void this.receive(request.method ?? "", request.url ?? "", request.headers.authorization ?? "", Buffer.concat(chunks).toString("utf8")).then(({ status, body }) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(body));
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    server?.closeAllConnections();
    if (server !== null) await new Promise((resolve) => server.close(resolve));
  }

  private async receive(method: string, url: string, authorization: string, body: string): Promise<{ status: number; body: unknown }> {
    const injected = this.failures.shift();
    if (injected !== undefined) return this.refuse(injected, "injected failure");
    if (method !== "POST" || url !== "/.well-known/edge-ingress/table") return this.refuse(404, `${method} ${url}`);
    const token = /^Bearer (.+)$/.exec(authorization)?.[1];
    if (token === undefined) return this.refuse(401, "no bearer token");
    let signer: string | null = null;
    let payload: Record<string, unknown> = {};
    for (const [name, key] of this.keys) {
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ["ES256"],
          typ: "edge-ingress-push+jwt",
          issuer: "edge-ingress.dev/sync-agent",
          audience: "edge-ingress.dev/edge",
          requiredClaims: ["iat", "exp", "jti", "body_sha256", "op"],
        }));
        signer = name;
        break;
      } catch {
        // try the next key
      }
    }
    if (signer === null) return this.refuse(401, "token does not verify");
    const { iat, exp, jti } = payload;
    if (typeof iat !== "number" || typeof exp !== "number" || exp - iat > 300) return this.refuse(401, "lifetime over 300 s");
    if (typeof jti !== "string" || this.seenJti.has(jti)) return this.refuse(401, "replayed token");
    this.seenJti.add(jti);
    if (payload.op !== "table") return this.refuse(403, "wrong operation");
    if (payload.body_sha256 !== createHash("sha256").update(body).digest("base64url")) return this.refuse(401, "body does not match the token");
    const table = JSON.parse(body) as RoutingTable;
    const current = this.latest();
    if (current !== undefined && table.generation <= current.generation) return this.refuse(409, "older generation");
    const push = { table, body, signer, at: Date.now() };
    this.onPush(push);
    this.pushes.push(push);
    return { status: 200, body: { ok: true, version: table.version, ...this.answerWith(table) } };
  }

  private refuse(status: number, reason: string): { status: number; body: unknown } {
    this.refusals.push({ status, reason });
    return { status, body: { error: reason } };
  }
}
