import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseProxyOptions } from "../../../bench/proxy/proxy-options.ts";
import { resolveWorker } from "../../../bench/proxy/resolve-worker.ts";

const directory = await mkdtemp(join(tmpdir(), "bench-resolve-worker-"));
const config = join(directory, "wrangler.toml");
await writeFile(
  config,
  `name = "x"
main = "src/edge.ts"
compatibility_date = "2026-04-01"
compatibility_flags = ["nodejs_compat"]

[vars]
EDGE_TRANSPORT = "fetch"
EDGE_ALLOW_IP_TARGETS = "false"
EDGE_MAX_TRIES = "3"
LIMITS = { tries = 3 }
`,
);

afterAll(() => rm(directory, { recursive: true, force: true }));

describe("resolveWorker", () => {
  it("takes the entry, compatibility date and flags from the wrangler config", async () => {
    const worker = await resolveWorker(parseProxyOptions(["--wrangler-config", config]));
    expect(worker.entry).toBe(join(directory, "src/edge.ts"));
    expect([worker.compatibilityDate, worker.compatibilityFlags]).toEqual(["2026-04-01", ["nodejs_compat"]]);
  });

  it("lets the benchmark allow IP targets and set a cookie key, and --var override everything", async () => {
    const worker = await resolveWorker(parseProxyOptions(["--wrangler-config", config, "--var", "EDGE_MAX_TRIES=1"]));
    const vars = new Map(worker.vars.map((binding) => [binding.name, binding]));
    expect(vars.get("EDGE_TRANSPORT")).toEqual({ kind: "text", name: "EDGE_TRANSPORT", value: "fetch" });
    expect(vars.get("EDGE_ALLOW_IP_TARGETS")).toEqual({ kind: "text", name: "EDGE_ALLOW_IP_TARGETS", value: "true" });
    expect(vars.get("EDGE_MAX_TRIES")).toEqual({ kind: "text", name: "EDGE_MAX_TRIES", value: "1" });
    const cookieKey = vars.get("EDGE_COOKIE_KEY");
    expect(cookieKey?.kind === "text" ? cookieKey.value.length : 0).toBeGreaterThanOrEqual(32);
  });

  it("passes non-string vars as JSON bindings", async () => {
    const worker = await resolveWorker(parseProxyOptions(["--wrangler-config", config]));
    expect(worker.vars.find((binding) => binding.name === "LIMITS")).toEqual({ kind: "json", name: "LIMITS", json: '{"tries":3}' });
  });

  it("uses defaults without a config: worker/index.ts, a date that keeps custom ports, nodejs_compat", async () => {
    const worker = await resolveWorker(parseProxyOptions(["--wrangler-config", "none"]));
    expect(worker.entry.endsWith("/worker/index.ts")).toBe(true);
    expect([worker.compatibilityDate, worker.compatibilityFlags]).toEqual(["2024-09-23", ["nodejs_compat"]]);
  });
});
