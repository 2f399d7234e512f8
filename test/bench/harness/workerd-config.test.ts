import { describe, expect, it } from "vitest";
import { renderWorkerdConfig } from "../../../bench/harness/workerd-config.ts";

const base = {
  modules: ["index.js", "chunk.js"],
  compatibilityDate: "2024-09-23",
  compatibilityFlags: ["nodejs_compat"],
  listen: { host: "127.0.0.1", port: 8787 },
};

describe("renderWorkerdConfig", () => {
  it("embeds every module of the bundle, the entry first", () => {
    const config = renderWorkerdConfig({ ...base, bindings: [] });
    expect(config.indexOf(`esModule = embed "index.js"`)).toBeLessThan(config.indexOf(`esModule = embed "chunk.js"`));
  });

  it("lets the worker's fetch reach loopback and nothing else", () => {
    const config = renderWorkerdConfig({ ...base, bindings: [] });
    expect(config).toContain(`(name = "loopback", network = (allow = ["local"]))`);
    expect(config).toContain(`globalOutbound = "loopback"`);
  });

  it("backs a KV binding with a read-only disk service over its directory", () => {
    const config = renderWorkerdConfig({ ...base, bindings: [{ kind: "kv-directory", name: "TABLE_KV", directory: "/tmp/kv" }] });
    expect(config).toContain(`(name = "TABLE_KV", kvNamespace = "kv-0")`);
    expect(config).toContain(`(name = "kv-0", disk = (path = "/tmp/kv", writable = false))`);
  });

  it("passes V8 flags only when given", () => {
    expect(renderWorkerdConfig({ ...base, bindings: [] })).not.toContain("v8Flags");
    expect(renderWorkerdConfig({ ...base, bindings: [], v8Flags: ["--no-concurrent-recompilation"] })).toContain(`v8Flags = ["--no-concurrent-recompilation"],`);
  });

  it("escapes quotes and backslashes in text bindings", () => {
    const config = renderWorkerdConfig({ ...base, bindings: [{ kind: "text", name: "V", value: `a"b\\c` }] });
    expect(config).toContain(`(name = "V", text = "a\\"b\\\\c")`);
  });
});
