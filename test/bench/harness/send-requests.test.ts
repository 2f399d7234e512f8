import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendRequests } from "../../../bench/harness/send-requests.ts";

let server: Server | null = null;

afterEach(async () => {
  const open = server;
  server = null;
  if (open !== null) await new Promise((resolve) => open.close(resolve));
});

/** A loopback server answering each request with `answer`; the URL it listens on. */
async function serve(answer: (index: number, headers: Record<string, string | string[] | undefined>) => { status: number; body: string; close?: boolean }): Promise<{ url: string; seen: () => number }> {
  let seen = 0;
  server = createServer((request, response) => {
    const { status, body, close } = answer(seen++, request.headers);
    if (close === true) {
      request.socket.destroy();
      return;
    }
    response.writeHead(status, { "content-type": "text/plain" }).end(body);
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/`, seen: () => seen };
}

const acceptNode = (status: number, body: string): boolean => status === 200 && body.startsWith("node ");

describe("sendRequests", () => {
  it("sends exactly the count asked for, with the headers given", async () => {
    const hosts = new Set<string>();
    const { url, seen } = await serve((_, headers) => {
      hosts.add(String(headers.host));
      return { status: 200, body: "node a\n" };
    });
    await sendRequests({ url, headers: { Host: "bench.example" }, count: 57, concurrency: 4, accept: acceptNode });
    expect(seen()).toBe(57);
    expect([...hosts]).toEqual(["bench.example"]);
  });

  it("sends a request again when the server dropped its connection, once", async () => {
    const { url, seen } = await serve((index) => (index === 3 ? { status: 0, body: "", close: true } : { status: 200, body: "node a\n" }));
    await sendRequests({ url, headers: {}, count: 10, concurrency: 1, accept: acceptNode });
    expect(seen()).toBe(11);
  });

  it("fails on an answer that is not accepted, saying what came back", async () => {
    const { url } = await serve((index) => (index === 5 ? { status: 502, body: "bad gateway" } : { status: 200, body: "node a\n" }));
    await expect(sendRequests({ url, headers: {}, count: 10, concurrency: 2, accept: acceptNode })).rejects.toThrow(/answered 502: bad gateway/);
  });
});
