import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { JWK } from "jose";
import { signPushToken } from "../../core/push/push-token.ts";
import { STATUS_PATH } from "../../worker/edge-worker.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { backend, loopbackNodes, prefix, sealed } from "./support/tables.ts";

const raw = inject("rawHttp");
const all = [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }];
/** The socket transport as production runs it: IP targets are its point, no DNS names needed. */
const socketEdge = (vars: Record<string, string> = {}, random?: () => number) =>
  startEdge({ EDGE_TRANSPORT: "socket", EDGE_ALLOW_IP_TARGETS: "false", ...vars }, random === undefined ? {} : { random });

beforeAll(async () => {
  const { ports } = backends;
  await storeTable(
    await sealed({
      nodes: [...loopbackNodes(backends), { name: "node-dead", address: "127.0.0.5" }],
      backends: [
        backend("default/web:80", ports.web, { targets: all }),
        backend("default/raw:80", raw.port, { targets: all }),
        backend("default/flaky:80", ports.web, { targets: [{ node: "node-dead", weight: 1 }, { node: "node-b", weight: 1 }] }),
        backend("default/hang:80", ports.hang, { targets: [{ node: "node-a", weight: 1 }] }),
      ],
      hosts: [
        { host: "app.example", rules: [prefix("/", "default/web:80")] },
        { host: "flaky.example", rules: [prefix("/", "default/flaky:80")] },
        { host: "hang.example", rules: [prefix("/", "default/hang:80")] },
        { host: "raw.example", rules: [prefix("/", "default/raw:80")] },
      ],
    }),
  );
});

describe("the edge with EDGE_TRANSPORT=socket", () => {
  it("reaches bare-IP targets and hands the backend the client's own Host", async () => {
    const echo = await echoOf(await socketEdge().send("http://app.example:8080/hello/../there?x=1", { headers: { "cf-connecting-ip": "198.51.100.7" } }));
    expect(echo.service).toBe("web");
    expect(echo.url).toBe("/there?x=1");
    expect(echo.headers["host"]).toBe("app.example:8080");
    expect(echo.headers["x-forwarded-host"]).toBe("app.example:8080");
    expect(echo.headers["x-forwarded-for"]).toBe("198.51.100.7");
    expect(echo.headers["connection"]).toBe("close");
  });

  it("streams a chunked response through to the client", async () => {
    const response = await socketEdge().send("http://raw.example/chunked");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-scenario")).toBe("chunked");
    expect(await response.text()).toBe("hello, chunked world");
  });

  it("answers 502 to a smuggling response, and passes none of its bytes on", async () => {
    const response = await socketEdge().send("http://raw.example/bad/te-and-cl");
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(body).not.toMatch(/smuggled/);
    expect(body).toMatch(/request id: [0-9a-f]{16}/);
  });

  it("retries even a POST with a body when a target refused the connection, since nothing was sent", async () => {
    for (const random of [() => 0, () => 0.999]) {
      const response = await socketEdge({}, random).send("http://flaky.example/upload", { method: "POST", body: "y".repeat(50_000) });
      const echo = await echoOf(response);
      expect(echo).toMatchObject({ node: "node-b", method: "POST", bodyLength: 50_000 });
    }
  });

  it("answers 504 when the target does not answer within the upstream timeout", async () => {
    const response = await socketEdge({ EDGE_UPSTREAM_TIMEOUT_MS: "300" }).send("http://hang.example/");
    expect(response.status).toBe(504);
  });

  it("does not offer WebSocket upgrades: the backend gets a plain request and its answer is passed back", async () => {
    const response = await socketEdge().send("http://app.example/ws", { headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    expect(response.status).toBe(200);
    expect((await echoOf(response)).headers["upgrade"]).toBeUndefined();
  });

  it("names the socket transport on the status endpoint, ready for IP targets", async () => {
    const edge = socketEdge();
    const token = await signPushToken(JSON.parse(env.TEST_PUSH_PRIVATE_JWK) as JWK, new Uint8Array(0), Math.floor(Date.now() / 1000), { operation: "status" });
    const response = await edge.send(`https://edge.example${STATUS_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const status = (await response.json()) as { transport: { name: string; ready: boolean; unreachableTargets: number } };
    expect(status.transport).toMatchObject({ name: "socket", ready: true, unreachableTargets: 0 });
  });

  it("refuses at start-up a connect timeout that is not a positive integer", async () => {
    const response = await socketEdge({ EDGE_CONNECT_TIMEOUT_MS: "soon" }).send("http://app.example/");
    expect(response.status).toBe(500);
  });
});
