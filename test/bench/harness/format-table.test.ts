import { describe, expect, it } from "vitest";
import { formatTable } from "../../../bench/harness/format-table.ts";

describe("formatTable", () => {
  it("aligns figures to the right and text to the left, under a rule", () => {
    const table = formatTable(["target", "req/s", "p99 ms"], [["direct", 21324, "7.55"], ["(a) worker", 634, "25.58"]]);
    expect(table.split("\n")).toEqual([
      "target      req/s  p99 ms",
      "----------  -----  ------",
      "direct      21324    7.55",
      "(a) worker    634   25.58",
    ]);
  });

  it("treats a dash as a missing figure in a column of figures", () => {
    expect(formatTable(["n"], [[12], ["—"]]).split("\n").slice(2)).toEqual(["12", " —"]);
  });
});
