import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { healthFlagSpec, parseDuration, readHealthFlags } from "../../../sync-agent/cli/health-flags.ts";
import { defaultHealthSettings } from "../../../sync-agent/health/health-settings.ts";

function read(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { values } = parseArgs({ args, options: healthFlagSpec, strict: true });
  const problems: string[] = [];
  const config = readHealthFlags(values, env, problems);
  return { config, problems };
}

describe("readHealthFlags", () => {
  it("gives the defaults when nothing is said", () => {
    expect(read([])).toEqual({ config: { health: defaultHealthSettings, probeAddress: "internal", kubeProxyHealthPort: 10256, metricsPort: 9102 }, problems: [] });
  });

  it("reads every flag", () => {
    const { config, problems } = read([
      "--health-interval", "1.5s", "--health-timeout", "500ms", "--health-rise", "3", "--health-fall", "1",
      "--health-concurrency", "8", "--probe-address", "external", "--kube-proxy-health-port", "20256", "--metrics-port", "8080",
    ]);
    expect(problems).toEqual([]);
    expect(config).toEqual({ health: { intervalMs: 1_500, timeoutMs: 500, rise: 3, fall: 1, concurrency: 8 }, probeAddress: "external", kubeProxyHealthPort: 20256, metricsPort: 8080 });
  });

  it("takes the environment when a flag is absent, and the flag over the environment", () => {
    const env = { EDGE_HEALTH_INTERVAL: "1m", EDGE_HEALTH_FALL: "4", EDGE_METRICS_PORT: "9000", EDGE_HEALTH_RISE: "", EDGE_PROBE_ADDRESS: "external", EDGE_KUBE_PROXY_HEALTH_PORT: "off" };
    const { config, problems } = read(["--health-fall", "5"], env);
    expect(problems).toEqual([]);
    expect(config).toEqual({ health: { ...defaultHealthSettings, intervalMs: 60_000, fall: 5 }, probeAddress: "external", kubeProxyHealthPort: null, metricsPort: 9000 });
    expect(read(["--probe-address", "internal"], env).config.probeAddress).toBe("internal");
  });

  it("lists every problem at once, naming where each value came from", () => {
    const { problems } = read(
      ["--health-interval", "5", "--health-rise", "0", "--health-fall", "two", "--health-concurrency=-1", "--metrics-port", "70000"],
      { EDGE_HEALTH_TIMEOUT: "soon", EDGE_PROBE_ADDRESS: "public" },
    );
    expect(problems).toEqual([
      '--health-interval "5" is not a duration: write it like 500ms, 5s or 1m',
      'EDGE_HEALTH_TIMEOUT "soon" is not a duration: write it like 500ms, 5s or 1m',
      '--health-fall "two" is not a whole number',
      '--health-concurrency "-1" is not a whole number',
      'EDGE_PROBE_ADDRESS "public" must be internal or external',
      "--health-rise must be a whole number from 1 to 100, not 0",
      "--metrics-port must be from 0 (any free port) to 65535, not 70000",
    ]);
  });

  it("turns kube-proxy's health port off with 0 or off, and refuses anything but a port", () => {
    for (const off of ["0", "off"]) expect(read(["--kube-proxy-health-port", off])).toMatchObject({ config: { kubeProxyHealthPort: null }, problems: [] });
    expect(read([], { EDGE_KUBE_PROXY_HEALTH_PORT: "10249" }).config.kubeProxyHealthPort).toBe(10249);
    expect(read(["--kube-proxy-health-port", "10256"], { EDGE_KUBE_PROXY_HEALTH_PORT: "off" }).config.kubeProxyHealthPort).toBe(10256);
    expect([...read(["--kube-proxy-health-port", "65536"]).problems, ...read([], { EDGE_KUBE_PROXY_HEALTH_PORT: "kube-proxy" }).problems, ...read(["--kube-proxy-health-port=-1"]).problems]).toEqual([
      '--kube-proxy-health-port "65536" must be a port from 1 to 65535, or 0 or off (no kube-proxy)',
      'EDGE_KUBE_PROXY_HEALTH_PORT "kube-proxy" must be a port from 1 to 65535, or 0 or off (no kube-proxy)',
      '--kube-proxy-health-port "-1" must be a port from 1 to 65535, or 0 or off (no kube-proxy)',
    ]);
  });

  it("refuses a timeout longer than the interval, and intervals outside 100ms to 1h", () => {
    expect(read(["--health-interval", "1s", "--health-timeout", "2s"]).problems).toEqual([
      "--health-timeout (2000 ms) must not exceed the interval (1000 ms): runs of one check would overlap",
    ]);
    expect(read(["--health-interval", "50ms", "--health-timeout", "10ms"]).problems).toEqual(["--health-interval must be from 100ms to 1h, not 50ms"]);
    expect(read(["--health-interval", "61m"]).problems).toEqual(["--health-interval must be from 100ms to 1h, not 3660000ms"]);
    expect(read(["--health-interval", "0s"]).problems).toEqual([
      "--health-interval must be a positive duration, not 0 ms",
    ]);
  });
});

describe("parseDuration", () => {
  it("reads milliseconds, seconds and minutes, and nothing else", () => {
    expect(["250ms", "5s", "1.5s", "2m", " 3s "].map(parseDuration)).toEqual([250, 5_000, 1_500, 120_000, 3_000]);
    expect(["5", "s", "5h", "-1s", "1e3ms", ""].map(parseDuration)).toEqual([null, null, null, null, null, null]);
  });
});
