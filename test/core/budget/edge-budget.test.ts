import { describe, expect, it } from "vitest";
import { planBudget, SMALL_CLUSTER } from "../../../core/budget/edge-budget.ts";

describe("the edge's budget", () => {
  it("fits a small cluster on the Free plan with the Durable Object checked every 4 s", () => {
    const budget = planBudget({ ...SMALL_CLUSTER, pointer: true, checkMs: 4000 });
    expect(budget.checksPerDay).toBe(50_000);
    expect(budget.doRequestsPerDay).toBe(50_000);
    expect(budget.kvWritesPerChange).toBe(2);
    expect(budget.kvWritesPerDay).toBe(200);
    expect(budget.kvReadsPerDay).toBe(900);
    expect(budget.fitsFree).toBe(true);
  });

  it("counts a check only inside a request: isolates × checks a day, never more than the requests", () => {
    expect(planBudget({ ingresses: 50, isolates: 10, requestsPerDay: 10_000_000, changesPerDay: 0, pointer: true, checkMs: 4000 }).doRequestsPerDay).toBe(216_000);
    expect(planBudget({ ingresses: 50, isolates: 10, requestsPerDay: 1_000, changesPerDay: 0, pointer: true, checkMs: 4000 }).doRequestsPerDay).toBe(1_000);
  });

  it("says what is over the Free plan and prices the Paid plan beyond its inclusions", () => {
    const busy = planBudget({ ingresses: 10_000, isolates: 50, requestsPerDay: 50_000_000, changesPerDay: 2_000, pointer: true, checkMs: 4000 });
    expect(busy.fitsFree).toBe(false);
    expect(busy.overFree.join("; ")).toMatch(/requests a day.*KV writes a day.*Durable Object requests a day/);
    // 50 × 21,600 = 1.08 M DO requests a day: 32.4 M a month, 31.4 M over the included million at $0.15.
    expect(busy.doRequestsPerDay).toBe(1_080_000);
    expect(busy.paidUsdPerMonth).toBe(9.71);
    expect(busy.kvWritesFirstPublication).toBe(514);
  });

  it("without the object, polls the head in KV: one read per check, one write more per change", () => {
    const budget = planBudget({ ...SMALL_CLUSTER, pointer: false, checkMs: 5000 });
    expect(budget.doRequestsPerDay).toBe(0);
    expect(budget.kvReadsPerDay).toBe(50_000 + 900);
    expect(budget.kvWritesPerChange).toBe(3);
  });
});
