import { describe, expect, it } from "vitest";
import { parseProxyOptions } from "../../../bench/proxy/proxy-options.ts";

describe("parseProxyOptions", () => {
  it("defaults to 5 s per case with 32 connections on haproxy backends", () => {
    expect(parseProxyOptions([])).toMatchObject({ durationSeconds: 5, connections: 32, threads: 1, rounds: 1, backendServer: "haproxy", profileSeconds: 0 });
  });

  it("profiles the two workers only when asked, for the seconds given", () => {
    expect(parseProxyOptions(["--profile", "15"]).profileSeconds).toBe(15);
    expect(() => parseProxyOptions(["--profile", "200"])).toThrow(/--profile must be an integer from 0 to 120, got "200"/);
  });

  it("counts instructions only when asked, over the requests given", () => {
    expect(parseProxyOptions([]).instructionRequests).toBe(0);
    expect(parseProxyOptions(["--instructions", "10000"]).instructionRequests).toBe(10_000);
    expect(() => parseProxyOptions(["--instructions", "2000000"])).toThrow(/--instructions must be an integer from 0 to 1000000, got "2000000"/);
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
