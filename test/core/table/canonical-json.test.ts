import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toCanonicalJson } from "../../../core/table/canonical-json.ts";

describe("toCanonicalJson", () => {
  it("sorts object keys at every depth and keeps array order", () => {
    expect(toCanonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it("drops undefined members, as JSON does", () => {
    expect(toCanonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it("gives what sorting a full copy gives, for any value, whether it is already in order or not", () => {
    const naive = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(naive);
      if (value === null || typeof value !== "object") return value;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const member = (value as Record<string, unknown>)[key];
        if (member !== undefined) sorted[key] = naive(member);
      }
      return sorted;
    };
    const member = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, member, fc.array(tie("node")), fc.dictionary(fc.string({ maxLength: 3 }), tie("node"))),
    })).node;
    // Inputs the canonical form rewrote (keys out of order, undefined members), counted so that the property cannot
    // pass on values with nothing to sort.
    let rewritten = 0;
    fc.assert(
      fc.property(value, (input) => {
        expect(toCanonicalJson(input)).toBe(JSON.stringify(naive(input)));
        if (toCanonicalJson(input) !== JSON.stringify(input)) rewritten += 1;
        // Parsed canonical bytes are already in order: the same bytes come back.
        const text = toCanonicalJson(input);
        if (text !== undefined) expect(toCanonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500, seed: 20_261_202 },
    );
    expect(rewritten).toBeGreaterThan(25);
  });
});
