import { describe, expect, it } from "vitest";
import { parseWrkReport } from "../../../bench/harness/parse-wrk-report.ts";

const wrkOutput = `Running 5s test @ http://127.0.0.1:8080/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms    0.90ms  21.51ms   91.00%
WRK_REPORT {"requests":130494,"durationUs":5019780,"bytes":9000000,"errors":{"connect":0,"read":1,"write":0,"status":3,"timeout":2},"latencyUs":{"p50":1078,"p90":2459,"p99":6392,"max":21514,"mean":1100.5}}
Requests/sec:  25995.96
`;

describe("parseWrkReport", () => {
  it("computes requests per second from wrk's exact request count and duration", () => {
    expect(parseWrkReport(wrkOutput).requestsPerSecond).toBeCloseTo(130494 / 5.01978, 6);
  });

  it("gives latency percentiles in milliseconds", () => {
    expect(parseWrkReport(wrkOutput).latencyMs).toEqual({ p50: 1.078, p90: 2.459, p99: 6.392, max: 21.514 });
  });

  it("keeps socket errors and non-2xx answers apart", () => {
    expect(parseWrkReport(wrkOutput).errors).toEqual({ connect: 0, read: 1, write: 0, status: 3, timeout: 2 });
  });

  it("fails with wrk's output when the report line is missing", () => {
    expect(() => parseWrkReport("unable to connect to 127.0.0.1:1 Connection refused\n")).toThrow(/no report line[\s\S]*Connection refused/);
  });
});

describe("parseWrkReport on a malformed report", () => {
  it("says the line is malformed rather than returning NaN figures", () => {
    expect(() => parseWrkReport('WRK_REPORT {"requests":-1}\n')).toThrow(/malformed/);
  });
});
