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

  it("relays a WebSocket both ways: text, binary, the backend's ping, a message over 64 KiB, the subprotocol picked", async () => {
    const socket = await openWebSocket(socketEdge(), "chat, v2");
    expect(socket.protocol).toBe("chat");
    expect(await socket.next()).toMatch(/^hello from node-[abc] at \/ws$/);
    socket.send("hello back");
    expect(await socket.next()).toBe("hello back");
    socket.send(Uint8Array.of(0, 1, 255));
    expect(new Uint8Array((await socket.next()) as ArrayBuffer)).toEqual(Uint8Array.of(0, 1, 255));
    socket.send("ping-please");
    expect(await socket.next()).toBe("pong: are you there");
    const long = "é".repeat(70_000);
    socket.send(long);
    expect(await socket.next()).toBe(long);
    socket.close(1000, "done");
  });

  it("passes the client's close on to the backend with its code and reason", async () => {
    const path = `/ws?id=${crypto.randomUUID()}`;
    const socket = await openWebSocket(socketEdge(), undefined, path);
    await socket.next();
    socket.close(4002, "leaving now");
    const seen = async () => (await (await fetch(`http://127.0.0.1:${backends.canaryControl}/websocket-close/${encodeURIComponent(path)}`)).json()) as unknown;
    await expect.poll(seen, { timeout: 10_000, interval: 20 }).toEqual({ code: 4002, reason: "leaving now" });
  });

  it("answers 502 when the backend's 101 does not complete the handshake the edge made", async () => {
    const response = await socketEdge().send("http://raw.example/bad/switching-protocols", {
      headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" },
    });
    expect(response.status).toBe(502);
    expect(response.webSocket).toBeNull();
  });

  it("passes the backend's close on to the client with its code and reason", async () => {
    const socket = await openWebSocket(socketEdge());
    expect(socket.protocol).toBeNull();
    await socket.next();
    socket.send("close-please");
    expect(await socket.closed).toEqual({ code: 4001, reason: "asked to" });
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

interface OpenedWebSocket {
  readonly protocol: string | null;
  next(): Promise<string | ArrayBuffer>;
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** A WebSocket handshake through the edge, the client's half accepted, its messages queued in arrival order. */
async function openWebSocket(edge: ReturnType<typeof socketEdge>, protocols?: string, path = "/ws"): Promise<OpenedWebSocket> {
  const response = await edge.send(`http://app.example${path}`, {
    headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13", ...(protocols === undefined ? {} : { "sec-websocket-protocol": protocols }) },
  });
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (socket === null) throw new Error("a 101 without a WebSocket");
  const queued: (string | ArrayBuffer)[] = [];
  const waiting: ((data: string | ArrayBuffer) => void)[] = [];
  socket.addEventListener("message", (event) => {
    const data = event.data as string | ArrayBuffer;
    const waiter = waiting.shift();
    if (waiter === undefined) queued.push(data);
    else waiter(data);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })));
  socket.binaryType = "arraybuffer";
  socket.accept();
  return {
    protocol: response.headers.get("sec-websocket-protocol"),
    next: () => {
      const data = queued.shift();
      return data === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(data);
    },
    send: (data) => socket.send(data),
    close: (code, reason) => socket.close(code, reason),
    closed,
  };
}
