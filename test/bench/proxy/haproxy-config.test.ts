import { describe, expect, it } from "vitest";
import { renderHaproxyConfig } from "../../../bench/proxy/haproxy-config.ts";

const config = renderHaproxyConfig({
  listen: { host: "127.0.0.1", port: 9000 },
  nodes: [
    { name: "node-a", address: "127.0.0.2" },
    { name: "node-b", address: "127.0.0.3" },
  ],
  nodePort: 30080,
  cookieName: "EDGE",
});

describe("renderHaproxyConfig", () => {
  it("balances round-robin with an inserted stickiness cookie", () => {
    expect(config).toMatch(/balance roundrobin\n\s+cookie EDGE insert indirect nocache/);
  });

  it("health-checks every node on its nodePort and names its cookie after the node", () => {
    expect(config).toContain("server node-a 127.0.0.2:30080 check inter 2s fall 2 rise 2 cookie node-a");
    expect(config).toContain("server node-b 127.0.0.3:30080 check inter 2s fall 2 rise 2 cookie node-b");
  });

  it("listens on the given loopback address only", () => {
    expect(config).toContain("bind 127.0.0.1:9000");
  });
});
