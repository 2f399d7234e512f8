import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { importJWK, type JWK } from "jose";
import { checkPushBody, PushTokenError, pushTokenStatus, verifyPushTokenClaims } from "../../../core/push/push-token.ts";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { validateTable, verifyTableVersion } from "../../../core/table/validate-table.ts";
import { TABLE_ENDPOINT } from "../../../sync-agent/push/edge-publisher.ts";

export interface ReceivedPush {
  readonly table: RoutingTable;
  readonly body: string;
  /** Which of the trusted keys signed it. */
  readonly signer: string;
  readonly at: number;
}

/**
 * A stand-in for the edge worker's sync endpoint, on 127.0.0.1, for tests that need to know which agent signed
 * a push (it trusts several keys; the worker one). It checks with the same contract modules as the worker, in the
 * same order, and answers with the worker's statuses and error codes — test/sync-agent/support/edge-receiver.test.ts
 * holds both to one script — and records what it stored.
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
    if (method !== "POST" || url !== TABLE_ENDPOINT) return this.refuse(404, "not-found");
    const token = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/.exec(authorization)?.[1];
    if (token === undefined) return this.refuse(401, "token-missing");
    let verified: { signer: string; claims: Awaited<ReturnType<typeof verifyPushTokenClaims>> } | null = null;
    let refusal: PushTokenError | null = null;
    for (const [name, key] of this.keys) {
      try {
        verified = { signer: name, claims: await verifyPushTokenClaims(token, key, Math.floor(Date.now() / 1000), { operation: "table" }) };
        break;
      } catch (error) {
        if (!(error instanceof PushTokenError)) throw error;
        // Under another key the signature fails; under the signer's key the real reason shows.
        if (refusal === null || refusal.code === "signature-invalid") refusal = error;
      }
    }
    if (verified === null) return this.refuse(refusal === null ? 401 : pushTokenStatus(refusal.code), refusal?.code ?? "signature-invalid");
    try {
      await checkPushBody(verified.claims, body);
    } catch (error) {
      if (error instanceof PushTokenError) return this.refuse(pushTokenStatus(error.code), error.code);
      throw error;
    }
    if (this.seenJti.has(verified.claims.jti)) return this.refuse(403, "token-replayed");
    this.seenJti.add(verified.claims.jti);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return this.refuse(422, "invalid-json");
    }
    const validation = validateTable(value);
    if (!validation.ok) return this.refuse(422, "invalid-table");
    const table = validation.table;
    if (!(await verifyTableVersion(table))) return this.refuse(422, "version-mismatch");
    const current = this.latest();
    if (current !== undefined && current.generation === table.generation && current.version === table.version) {
      return { status: 200, body: { result: "unchanged", version: table.version, generation: table.generation, ...this.answerWith(table) } };
    }
    if (current !== undefined && table.generation <= current.generation) return this.refuse(409, "stale-generation");
    const push = { table, body, signer: verified.signer, at: Date.now() };
    this.onPush(push);
    this.pushes.push(push);
    return { status: 200, body: { result: "stored", version: table.version, generation: table.generation, ...this.answerWith(table) } };
  }

  private refuse(status: number, reason: string): { status: number; body: unknown } {
    this.refusals.push({ status, reason });
    return { status, body: { error: reason, message: reason } };
  }
}
