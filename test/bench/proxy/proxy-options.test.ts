import { describe, expect, it } from "vitest";
import { parseProxyOptions } from "../../../bench/proxy/proxy-options.ts";

describe("parseProxyOptions", () => {
  it("defaults to 5 s per case with 32 connections on haproxy backends", () => {
    expect(parseProxyOptions([])).toMatchObject({ durationSeconds: 5, connections: 32, threads: 1, rounds: 1, backendServer: "haproxy" });
  });

  it("lists every bad option at once, with the usage", () => {
    let message = "";
    try {
      parseProxyOptions(["--duration", "0", "--backends", "nginx", "--var", "NOEQUALS"]);
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    expect(message).toContain('--duration must be an integer from 1 to 600, got "0"');
    expect(message).toContain('--backends must be haproxy or node, got "nginx"');
    expect(message).toContain('--var must be NAME=VALUE, got "NOEQUALS"');
    expect(message).toContain("npm run bench -- proxy [options]");
  });

  it("refuses an unknown option", () => {
    expect(() => parseProxyOptions(["--conections", "8"])).toThrow(/conections/);
  });
});
