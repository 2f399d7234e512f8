import { afterAll, describe, expect, it } from "vitest";
import { stopAllProcesses } from "../../../bench/harness/child-processes.ts";
import { probeHttp } from "../../../bench/harness/probe-http.ts";
import { startBackends } from "../../../bench/harness/start-backends.ts";

// The haproxy kind needs the Debian package, which the test suite does not require; its config is tested as text.
const addresses = ["127.0.0.2", "127.0.0.3"];

afterAll(() => stopAllProcesses());

describe("startBackends with node servers", () => {
  it("answers on every address at one common port, naming the address", async () => {
    const backends = await startBackends({ server: "node", addresses });
    for (const address of addresses) {
      const answer = await probeHttp(`http://${address}:${backends.port}/healthz`);
      expect([answer.status, answer.body]).toEqual([200, `node ${address}\n`]);
    }
  });

  it("stops with its process", async () => {
    const backends = await startBackends({ server: "node", addresses });
    await backends.process.stop();
    await expect(probeHttp(`http://${addresses[0]}:${backends.port}/`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
