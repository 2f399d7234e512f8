import { describe, expect, it } from "vitest";
import { formatIpRange, parseIp, parseIpRange, rangeContains } from "../../../core/policy/ip-range.ts";

const inRange = (range: string, ip: string): boolean => {
  const r = parseIpRange(range);
  const a = parseIp(ip);
  if (r === null || a === null) throw new Error(`unparsable ${range} or ${ip}`);
  return rangeContains(r, a);
};

describe("IP ranges", () => {
  it("matches IPv4 addresses inside a CIDR and not outside", () => {
    expect(inRange("10.0.0.0/8", "10.255.1.2")).toBe(true);
    expect(inRange("10.0.0.0/8", "11.0.0.1")).toBe(false);
    expect(inRange("192.168.1.7", "192.168.1.7")).toBe(true);
    expect(inRange("192.168.1.7", "192.168.1.8")).toBe(false);
    expect(inRange("0.0.0.0/0", "203.0.113.9")).toBe(true);
  });
  it("matches IPv6 addresses, compressed or not, and keeps the families apart", () => {
    expect(inRange("2001:db8::/32", "2001:db8:ffff::1")).toBe(true);
    expect(inRange("2001:db8::/32", "2001:db9::1")).toBe(false);
    expect(inRange("2001:db8:0:0:0:0:0:1/128", "2001:db8::1")).toBe(true);
    expect(inRange("::/0", "10.0.0.1")).toBe(false);
    expect(inRange("0.0.0.0/0", "2001:db8::1")).toBe(false);
  });
  it("treats an IPv4-mapped IPv6 client as the IPv4 address it is", () => {
    expect(inRange("10.0.0.0/8", "::ffff:10.1.2.3")).toBe(true);
  });
  it("clears host bits and writes the range canonically", () => {
    expect(formatIpRange(parseIpRange("10.1.2.3/8") ?? fail())).toBe("10.0.0.0/8");
    expect(formatIpRange(parseIpRange("2001:db8::1/32") ?? fail())).toBe("2001:db8:0:0:0:0:0:0/32");
  });
  it.each(["", "10.0.0.0/33", "256.0.0.1", "010.0.0.1", "10.0.0", "1::2::3", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/8/8", "example.com", "1:2:3:4:5:6:7:8:9"])(
    "refuses %j",
    (text) => {
      expect(parseIpRange(text)).toBeNull();
    },
  );
});

function fail(): never {
  throw new Error("unparsable");
}
