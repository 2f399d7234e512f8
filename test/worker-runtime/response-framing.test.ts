import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stopAllProcesses } from "../../bench/harness/child-processes.ts";
import { startWorkerd } from "../../bench/harness/start-workerd.ts";

// The edge leaves the framing fields of a response to the runtime (worker/proxy/forward-headers.ts): a Worker
// returning them must not get them onto the wire. This guards that assumption against a new workerd.
const worker = `export default {
  async fetch() {
    return new Response("ok", {
      headers: {
        connection: "x-private", "x-private": "1", "keep-alive": "timeout=5", te: "trailers", trailer: "x-sum",
        upgrade: "h2c", "transfer-encoding": "chunked", "x-kept": "yes",
      },
    });
  },
};
`;

const directory = await mkdtemp(join(tmpdir(), "response-framing-test-"));

afterAll(async () => {
  await stopAllProcesses();
  await rm(directory, { recursive: true, force: true });
});

/** The response head exactly as it crossed the socket, field names lower-cased. */
async function rawHead(port: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write("GET / HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n"));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => resolve(received.slice(0, received.indexOf("\r\n\r\n")).split("\r\n").slice(1).map((line) => line.toLowerCase())));
  });
}

describe("the runtime, on the wire", () => {
  it("writes a response's Connection, Keep-Alive, TE, Trailer, Transfer-Encoding and Upgrade itself", async () => {
    await writeFile(join(directory, "index.js"), worker);
    const running = await startWorkerd({ name: "workerd (framing)", bundle: { directory, modules: ["index.js"] }, compatibilityDate: "2026-04-01", compatibilityFlags: [], bindings: [] });
    const port = Number(new URL(running.url).port);
    const lines = await rawHead(port);
    const names = lines.map((line) => line.slice(0, line.indexOf(":")));
    for (const framing of ["keep-alive", "te", "trailer", "transfer-encoding", "upgrade"]) expect(names).not.toContain(framing);
    expect(lines).not.toContain("connection: x-private");
    expect(names).toContain("x-kept");
    // Headers named in Connection are not the runtime's business: forwardHeaders removes those.
    expect(names).toContain("x-private");
  });
});
