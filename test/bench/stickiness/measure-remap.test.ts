import { describe, expect, it } from "vitest";
import { measureRemap } from "../../../bench/stickiness/measure-remap.ts";

describe("measureRemap", () => {
  it("counts only clients whose node changed", () => {
    expect(measureRemap(["a", "b", "c", "a"], ["a", "b", "a", "b"], "c")).toMatchObject({ moved: 2, movedFraction: 0.5 });
  });

  it("calls a move needless when the client left a node that is still there for one that is not new", () => {
    // Client 2 had to leave c; client 4 moved from a to b for no reason.
    expect(measureRemap(["a", "b", "c", "a"], ["a", "b", "a", "b"], "c").needless).toBe(1);
  });

  it("counts moves onto an added node as necessary", () => {
    expect(measureRemap(["a", "b"], ["new", "b"], "new").needless).toBe(0);
  });

  it("refuses assignments of different lengths", () => {
    expect(() => measureRemap(["a"], [], "a")).toThrow(/different client counts/);
  });
});
