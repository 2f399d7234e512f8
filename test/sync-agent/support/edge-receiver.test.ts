import { exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signPushToken } from "../../../core/push/push-token.ts";
import { sealTable, serializeTable } from "../../../core/table/hash-table.ts";
import { TABLE_SCHEMA } from "../../../core/table/schema.ts";
import { TABLE_ENDPOINT } from "../../../sync-agent/push/edge-publisher.ts";
import { startRealEdge } from "../../support/real-edge.ts";
import { EdgeReceiver } from "./edge-receiver.ts";
import { generatePushKeys } from "./push-keys.ts";

const content = { schema: TABLE_SCHEMA, nodes: [], hosts: [], defaultBackend: null, backends: [], tls: [], problems: [] } as const;

interface Answer {
  readonly status: number;
  /** `error` of a refusal, `result` of an acceptance. */
  readonly outcome: unknown;
}

/**
 * One script of pushes, each with the answer the worker gives. Agent tests push to the stand-in; this holds it to
 * the worker's answers, so a status the edge never sends cannot creep into them.
 */
async function runScript(url: string, keys: { privateJwk: JWK }): Promise<Answer[]> {
  const now = () => Math.floor(Date.now() / 1000);
  const post = async (body: string, authorization?: string): Promise<Answer> => {
    const response = await fetch(new URL(TABLE_ENDPOINT, url), { method: "POST", body, headers: authorization === undefined ? {} : { authorization } });
    const json = (await response.json()) as { error?: unknown; result?: unknown };
    return { status: response.status, outcome: json.error ?? json.result };
  };
  const signed = async (body: string, options: { key?: JWK; operation?: "table" | "status"; signedBody?: string } = {}) =>
    `Bearer ${await signPushToken(options.key ?? keys.privateJwk, options.signedBody ?? body, now(), { operation: options.operation ?? "table" })}`;
  const first = serializeTable(await sealTable(content, 1000));
  const older = serializeTable(await sealTable({ ...content, problems: [{ kind: "Ingress", object: "a/b", reason: "x" }] }, 999));
  const newer = serializeTable(await sealTable(content, 1001));
  const stranger = await exportJWK((await generateKeyPair("ES256", { extractable: true })).privateKey);
  const replayed = await signed(first);
  // Content changed under the old version hash (the hash covers content, not generation).
  const forged = JSON.stringify({ ...(JSON.parse(newer) as object), problems: [{ kind: "Ingress", object: "a/b", reason: "forged" }] });
  return [
    await post(first),
    await post(first, "Basic abc"),
    await post(first, await signed(first, { key: stranger })),
    await post(first, await signed(first, { operation: "status" })),
    await post(first, await signed(first, { signedBody: `${first} ` })),
    await post(first, replayed),
    await post(first, replayed),
    await post(first, await signed(first)),
    await post(older, await signed(older)),
    await post("{", await signed("{")),
    await post('{"schema":"nope"}', await signed('{"schema":"nope"}')),
    await post(forged, await signed(forged)),
    await post(newer, await signed(newer)),
  ];
}

const expected: Answer[] = [
  { status: 401, outcome: "token-missing" },
  { status: 401, outcome: "token-missing" },
  { status: 401, outcome: "signature-invalid" },
  { status: 403, outcome: "wrong-operation" },
  { status: 403, outcome: "body-mismatch" },
  { status: 200, outcome: "stored" },
  { status: 403, outcome: "token-replayed" },
  { status: 200, outcome: "unchanged" },
  { status: 409, outcome: "stale-generation" },
  { status: 422, outcome: "invalid-json" },
  { status: 422, outcome: "invalid-table" },
  { status: 422, outcome: "version-mismatch" },
  { status: 200, outcome: "stored" },
];

describe("the edge receiver answers pushes as the worker does", () => {
  let keys: Awaited<ReturnType<typeof generatePushKeys>>;
  beforeAll(async () => {
    keys = await generatePushKeys();
  });

  test("the real worker (in workerd) answers the script as written", async () => {
    const edge = await startRealEdge({ pushPublicJwk: keys.publicJwk });
    try {
      expect(await runScript(edge.url, keys)).toEqual(expected);
    } finally {
      await edge.stop();
    }
  });

  describe("the stand-in", () => {
    const receiver = new EdgeReceiver();
    beforeAll(async () => {
      await receiver.trust("agent", keys.publicJwk);
      await receiver.start();
    });
    afterAll(() => receiver.stop());

    test("answers the same script alike, and stores what the worker stores", async () => {
      expect(await runScript(receiver.url, keys)).toEqual(expected);
      expect(receiver.pushes.map((push) => push.table.generation)).toEqual([1000, 1001]);
    });
  });
});
