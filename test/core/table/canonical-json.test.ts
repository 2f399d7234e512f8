import { describe, expect, it } from "vitest";
import { toCanonicalJson } from "../../../core/table/canonical-json.ts";

describe("toCanonicalJson", () => {
  it("sorts object keys at every depth and keeps array order", () => {
    expect(toCanonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it("drops undefined members, as JSON does", () => {
    expect(toCanonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
