import { describe, expect, it } from "vitest";
import { chooseCanary, compileCanary } from "../../../core/policy/choose-canary.ts";
import type { RuleCanary } from "../../../core/table/schema.ts";

const base: RuleCanary = { backend: "b", ingress: "default/canary" };
const headersOf = (headers: Record<string, string>) => (name: string): string | null => headers[name] ?? null;
const choose = (canary: Partial<RuleCanary>, headers: Record<string, string> = {}, random = 0.999) =>
  chooseCanary(compileCanary({ ...base, ...canary }), headersOf(headers), () => random);

describe("chooseCanary, as ingress-nginx's balancer chooses", () => {
  it("sends `always` in the header to the canary and `never` to the mainline, whatever the cookie and weight", () => {
    expect(choose({ header: "X-Canary", weight: 0 }, { "x-canary": "always" })).toBe(true);
    expect(choose({ header: "X-Canary", weight: 100, cookie: "c" }, { "x-canary": "never", cookie: "c=always" }, 0)).toBe(false);
  });
  it("with a header value, sends that value to the canary and lets any other value fall through to cookie and weight", () => {
    expect(choose({ header: "X-Canary", headerValue: "beta" }, { "x-canary": "beta" })).toBe(true);
    expect(choose({ header: "X-Canary", headerValue: "beta", cookie: "c" }, { "x-canary": "never", cookie: "c=always" })).toBe(true);
    expect(choose({ header: "X-Canary", headerValue: "beta" }, { "x-canary": "always" })).toBe(false);
  });
  it("with a header pattern and no value, sends a value the pattern is found in to the canary, with case, and lets the rest go on", () => {
    const canary = { header: "X-Canary", headerPattern: "^beta-[0-9]+", cookie: "c" };
    expect(choose(canary, { "x-canary": "beta-12" })).toBe(true);
    expect(choose(canary, { "x-canary": "BETA-12" })).toBe(false);
    expect(choose({ header: "X-Canary", headerPattern: "beta" }, { "x-canary": "pre-beta" })).toBe(true);
    // `never` is a value like any other once a pattern is set: the cookie decides.
    expect(choose(canary, { "x-canary": "never", cookie: "c=always" })).toBe(true);
  });
  it("ignores the pattern when a header value is set, as ingress-nginx does", () => {
    expect(choose({ header: "X-Canary", headerValue: "on", headerPattern: ".*" }, { "x-canary": "off" })).toBe(false);
  });
  it("lets an unknown header value fall through to the cookie", () => {
    expect(choose({ header: "X-Canary", cookie: "c" }, { "x-canary": "maybe", cookie: "a=1; c=always" })).toBe(true);
    expect(choose({ cookie: "c", weight: 100 }, { cookie: "c=never" }, 0)).toBe(false);
  });
  it("splits the rest by weight out of 100, or out of a larger canary-weight-total", () => {
    expect(choose({ weight: 20 }, {}, 0.19)).toBe(true);
    expect(choose({ weight: 20 }, {}, 0.2)).toBe(false);
    expect(choose({ weight: 100 }, {}, 0.999)).toBe(true);
    expect(choose({ weight: 0 }, {}, 0)).toBe(false);
    expect(choose({ weight: 1, weightTotal: 1000 }, {}, 0.0009)).toBe(true);
    expect(choose({ weight: 1, weightTotal: 1000 }, {}, 0.001)).toBe(false);
    // A total below 100 is ignored, as ingress-nginx ignores it.
    expect(choose({ weight: 50, weightTotal: 50 }, {}, 0.6)).toBe(false);
  });
});
