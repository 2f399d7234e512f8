import { describe, expect, test } from "vitest";
import { type ExistingZoneRecord, type HostAttachmentsPlanInput, planHostAttachments } from "../../../sync-agent/cloudflare/host-attachments-plan.ts";
import { claimedHost, formatHostClaim, hostClaimName } from "../../../sync-agent/cloudflare/host-ownership.ts";
import { findZone } from "../../../sync-agent/cloudflare/host-zones.ts";
import { listServedHosts } from "../../../sync-agent/cloudflare/served-hosts.ts";

const com = { id: "z-com", name: "example.com" };
const shop = { id: "z-shop", name: "shop.example.com" };
const claim = (host: string, owner = "a", zoneId = com.id, id = `claim-${host}`): ExistingZoneRecord =>
  ({ id, zoneId, type: "TXT", name: hostClaimName(host), content: formatHostClaim(owner), proxied: false });
const plan = (overrides: Partial<HostAttachmentsPlanInput>) => planHostAttachments({
  desired: [], zones: [com, shop], domains: [], routes: [], records: [], ownerId: "a", workerName: "edge-ingress", detach: true, ...overrides,
});
const served = (...hosts: string[]) => hosts.map((host) => ({ host, ingresses: ["ns/ing"] }));

describe("planning host attachments", () => {
  test("a host belongs to the zone with the longest matching name, a wildcard by its base", () => {
    expect(findZone("www.shop.example.com", [com, shop])).toBe(shop);
    expect(findZone("*.shop.example.com", [com, shop])).toBe(shop);
    expect(findZone("shopping.example.com", [com, shop])).toBe(com);
    expect(findZone("example.org", [com, shop])).toBeNull();
  });

  test("the hosts come from the table's host entries, with the Ingresses serving each; rules without a host name none", () => {
    const rule = (ingress: string) => ({ path: "/", pathType: "Prefix" as const, backend: "b", ingress });
    expect(listServedHosts({ hosts: [{ host: "b.example.com", rules: [rule("ns/y"), rule("ns/x")] }, { host: "", rules: [rule("ns/z")] }, { host: "*.example.com", rules: [rule("ns/x")] }] }))
      .toEqual([{ host: "*.example.com", ingresses: ["ns/x"] }, { host: "b.example.com", ingresses: ["ns/x", "ns/y"] }]);
  });

  test("an HTTPRoute's any-depth wildcard (**. in the table) is attached as the wildcard *., with an Ingress's of the same name", () => {
    const rule = (ingress: string) => ({ path: "/", pathType: "Prefix" as const, backend: "b", ingress });
    expect(listServedHosts({ hosts: [{ host: "**.example.com", rules: [rule("HTTPRoute ns/r#0")] }, { host: "*.example.com", rules: [rule("ns/x")] }] }))
      .toEqual([{ host: "*.example.com", ingresses: ["HTTPRoute ns/r#0", "ns/x"] }]);
  });

  test("a host only redirected by from-to-www-redirect is attached too, under the Ingress that asked for it", () => {
    const rule = { path: "/", pathType: "Prefix" as const, backend: "b", ingress: "ns/www" };
    expect(listServedHosts({ hosts: [{ host: "www.example.com", rules: [rule] }], hostRedirects: [{ from: "example.com", to: "www.example.com", ingress: "ns/www" }] }))
      .toEqual([{ host: "example.com", ingresses: ["ns/www"] }, { host: "www.example.com", ingresses: ["ns/www"] }]);
  });

  test("a wildcard's claim has a name of its own, read back to the wildcard", () => {
    expect(hostClaimName("*.example.com")).toBe("_edge-ingress-host._wildcard.example.com");
    expect(claimedHost(hostClaimName("*.example.com"))).toBe("*.example.com");
    expect(claimedHost("_edge-ingress-owner.node-a.example.com")).toBeNull();
  });

  test("a new exact host is claimed, then attached as a Custom Domain in its zone", () => {
    expect(plan({ desired: served("www.shop.example.com") }).changes).toEqual([{
      host: "www.shop.example.com", kind: "attach", zone: "shop.example.com", steps: [
        { op: "claim", zoneId: shop.id, name: "_edge-ingress-host.www.shop.example.com", content: formatHostClaim("a") },
        { op: "attach-domain", zoneId: shop.id, hostname: "www.shop.example.com" },
      ],
    }]);
  });

  test("a claimed host with its Custom Domain in place needs nothing; one whose attach was cut short gets only the attach", () => {
    const domain = { id: "d1", hostname: "www.example.com", service: "edge-ingress" };
    expect(plan({ desired: served("www.example.com"), records: [claim("www.example.com")], domains: [domain] })).toMatchObject({ changes: [], attached: ["www.example.com"] });
    expect(plan({ desired: served("www.example.com"), records: [claim("www.example.com")] }).changes[0]?.steps).toEqual([{ op: "attach-domain", zoneId: com.id, hostname: "www.example.com" }]);
  });

  test("an unclaimed route or record at a wildcard is reported, unless it already sends the wildcard to this Worker", () => {
    const route = { id: "r1", zoneId: com.id, pattern: "*.example.com/*", script: "edge-ingress" };
    const record = { id: "rec", zoneId: com.id, type: "CNAME", name: "*.example.com", content: "origin.example.org", proxied: true };
    expect(plan({ desired: served("*.example.com"), routes: [route], records: [record] })).toMatchObject({ changes: [], problems: [], attached: ["*.example.com"] });
    expect(plan({ desired: served("*.example.com"), records: [record] }).problems).toEqual([{ host: "*.example.com", ingresses: ["ns/ing"], reason: "the DNS record *.example.com (CNAME origin.example.org) was not created by edge-ingress: left as it is" }]);
    expect(plan({ desired: served("*.example.com"), routes: [route] }).problems[0]?.reason).toBe("the Workers route *.example.com/* was not created by edge-ingress and *.example.com has no proxied DNS record: left as it is");
    expect(plan({ desired: served("*.example.com"), records: [{ ...record, proxied: false }] }).problems[0]?.reason).toBe("the DNS record *.example.com (CNAME origin.example.org) is not proxied: requests would bypass the Worker; left as it is");
  });

  test("hosts no longer served are kept until told to detach; then only what was made for them goes, the claim last", () => {
    const records = [claim("*.example.com"), { id: "w", zoneId: com.id, type: "AAAA", name: "*.example.com", content: "100::", proxied: true }, { id: "x", zoneId: com.id, type: "A", name: "*.example.com", content: "198.51.100.1", proxied: true }];
    const routes = [{ id: "r1", zoneId: com.id, pattern: "*.example.com/*", script: "edge-ingress" }, { id: "r2", zoneId: com.id, pattern: "*.example.com/api/*", script: "edge-ingress" }];
    expect(plan({ records, routes, detach: false })).toMatchObject({ changes: [], kept: ["*.example.com"] });
    expect(plan({ records, routes }).changes).toEqual([{
      host: "*.example.com", kind: "detach", zone: "example.com", steps: [
        { op: "delete-route", zoneId: com.id, routeId: "r1", pattern: "*.example.com/*" },
        { op: "delete-record", zoneId: com.id, recordId: "w", name: "*.example.com" },
        { op: "unclaim", zoneId: com.id, recordId: "claim-*.example.com", name: "_edge-ingress-host._wildcard.example.com" },
      ],
    }]);
  });

  test("a Custom Domain of ours that someone moved to another Worker is reported, and not detached with the host", () => {
    const moved = { id: "d1", hostname: "www.example.com", service: "marketing" };
    expect(plan({ desired: served("www.example.com"), records: [claim("www.example.com")], domains: [moved] }).problems[0]?.reason)
      .toBe("www.example.com is a Custom Domain of the Worker marketing (changed by hand): left as it is");
    expect(plan({ records: [claim("www.example.com")], domains: [moved] }).changes[0]?.steps.map((s) => s.op)).toEqual(["unclaim"]);
  });

  test("another owner's claim wins over ours being absent: reported, never attached, never detached", () => {
    const result = plan({ desired: served("www.example.com"), records: [claim("www.example.com", "b"), claim("old.example.com", "b")] });
    expect(result.changes).toEqual([]);
    expect(result.problems.map((p) => p.reason)).toEqual(["www.example.com is claimed by another edge-ingress owner (b)"]);
  });
});
