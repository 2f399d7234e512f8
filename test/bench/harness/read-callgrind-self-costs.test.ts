import { describe, expect, it } from "vitest";
import { readCallgrindSelfCosts } from "../../../bench/harness/read-callgrind-self-costs.ts";

const header = "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npositions: line\nevents: Ir\nsummary: 0\n\n";

describe("readCallgrindSelfCosts", () => {
  it("sums each function's cost lines and leaves out the inclusive cost of the calls it makes", () => {
    const text = `${header}ob=(1) ???\nfl=(4) ???\nfn=(110) free_small\n0 400\ncfn=(112) free_slow\ncalls=12 0\n0 9000\n+2 50\n\nfn=(112)\n0 9000\n`;
    expect(Object.fromEntries(readCallgrindSelfCosts(text))).toEqual({ free_small: 450, free_slow: 9000 });
  });

  it("resolves names compressed to an id, whether first given on fn= or on cfn=", () => {
    const text = `${header}fn=(1) caller\n0 10\ncfn=(2) callee\ncalls=1 0\n0 5\nfn=(2)\n0 5\nfn=(1)\n3 1\n`;
    expect(Object.fromEntries(readCallgrindSelfCosts(text))).toEqual({ caller: 11, callee: 5 });
  });

  it("merges recursion levels and the same name in two objects", () => {
    const text = `${header}ob=(1) a.so\nfn=(1) Headers::~Headers()\n0 7\nfn=(2) Headers::~Headers()'2\n0 3\nob=(2) b.so\nfn=(3) Headers::~Headers()\n0 1\n`;
    expect(Object.fromEntries(readCallgrindSelfCosts(text))).toEqual({ "Headers::~Headers()": 11 });
  });

  it("reads the Ir column among other events and positions", () => {
    const text = "events: Bc Ir\npositions: instr line\nfn=(1) f\n0x10 4 2 30\n";
    expect(Object.fromEntries(readCallgrindSelfCosts(text))).toEqual({ f: 30 });
  });

  it("is empty for a file that counts no instructions", () => {
    expect(readCallgrindSelfCosts("events: Bc\nfn=(1) f\n0 5\n").size).toBe(0);
  });
});
