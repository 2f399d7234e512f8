import { describe, expect, it } from "vitest";
import { readStickyCookie } from "../../../bench/proxy/sticky-cookie.ts";

function answer(setCookie: string | string[] | undefined) {
  return { status: 200, headers: { "set-cookie": setCookie }, body: "" };
}

describe("readStickyCookie", () => {
  it("takes the name=value pair of the named cookie, without its attributes", () => {
    expect(readStickyCookie(answer(["other=1; Path=/", "EDGE=node-a.sig; Path=/; HttpOnly"]), "EDGE")).toBe("EDGE=node-a.sig");
  });

  it("is null when the answer set no such cookie", () => {
    expect(readStickyCookie(answer(undefined), "EDGE")).toBeNull();
    expect(readStickyCookie(answer("EDGEX=1"), "EDGE")).toBeNull();
  });

  it("ignores a cookie of that name being cleared", () => {
    expect(readStickyCookie(answer("EDGE=; Max-Age=0"), "EDGE")).toBeNull();
  });
});
