import { describe, expect, it } from "vitest";
import { readChildrenShare } from "../../../bench/harness/perf-children-share.ts";

// Trimmed from `perf report --children --sort sym -g none --stdio` on a workerd serving the proxy benchmark.
const REPORT = `# To display the perf.data header info, please use --header/--header-only options.
#
# Samples: 45K of event 'cpu-clock:ppp'
# Event count (approx.): 15155029800
#
# Children      Self  Symbol
# ........  ........  ........
#
    97.57%     0.00%  [.] __libc_start_call_main
    27.52%     0.00%  [k] do_syscall_64
    27.52%     0.00%  [k] entry_SYSCALL_64_after_hwframe
    18.18%     0.04%  [.] JS:*'fetch index.js:19918:10
     9.72%     0.02%  [.] _ZN7workerd3jsg14MethodCallbackINS_6server12_GLOBAL__N_1fetch
     8.33%     0.02%  [.] workerd::api::ServiceWorkerGlobalScope::fetch
     0.50%     0.50%  [.] workerd::api::ServiceWorkerGlobalScope::fetchImpl
`;

describe("reading a symbol's share of the samples from perf's children report", () => {
  it("is the Children column of the line naming exactly that symbol, as a fraction", () => {
    expect(readChildrenShare(REPORT, "workerd::api::ServiceWorkerGlobalScope::fetch")).toBeCloseTo(0.0833, 6);
  });

  it("reads a kernel symbol as well as a user-space one", () => {
    expect(readChildrenShare(REPORT, "do_syscall_64")).toBeCloseTo(0.2752, 6);
  });

  it("does not take a symbol that merely starts or ends the same way", () => {
    expect(readChildrenShare(REPORT, "workerd::api::ServiceWorkerGlobalScope::fetchImpl")).toBeCloseTo(0.005, 6);
    expect(readChildrenShare(REPORT, "ServiceWorkerGlobalScope::fetch")).toBeNull();
  });

  it("is null for a symbol perf never sampled, and ignores the header lines", () => {
    expect(readChildrenShare(REPORT, "workerd::api::Headers::set")).toBeNull();
    expect(readChildrenShare(REPORT, "Samples: 45K of event 'cpu-clock:ppp'")).toBeNull();
  });
});
