import { describe, expect, it } from "vitest";
import { readCallgrindTotal } from "../../../bench/harness/read-callgrind-total.ts";

const header = "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\ncmd: workerd serve c.capnp\n";

describe("readCallgrindTotal", () => {
  it("reads the instructions from the totals line", () => {
    expect(readCallgrindTotal(`${header}events: Ir\nsummary: 0\nfn=(1) main\n5 12\ntotals: 160057789\n`)).toBe(160057789);
  });

  it("reads the Ir column when other events are counted too", () => {
    expect(readCallgrindTotal(`${header}events: Bc Ir Bcm\ntotals: 7 1200 3\n`)).toBe(1200);
  });

  it("falls back to the summary line when there is no totals line", () => {
    expect(readCallgrindTotal(`${header}events: Ir\nsummary: 4200\n`)).toBe(4200);
  });

  it("is null for a file that counts no instructions or carries no total", () => {
    expect(readCallgrindTotal(`${header}events: Bc\ntotals: 5\n`)).toBeNull();
    expect(readCallgrindTotal(`${header}events: Ir\n`)).toBeNull();
  });
});
