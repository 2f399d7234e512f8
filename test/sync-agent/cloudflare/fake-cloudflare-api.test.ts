import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";

/* The fake is only worth what it shares with the real API: these pin the wire format and refusals the code relies on. */
describe("the fake Cloudflare API", () => {
  let api: FakeCloudflareApi;
  const call = async (method: string, path: string, body?: unknown, token = api.token) => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as { success: boolean; errors: { code: number }[]; result: unknown; result_info?: unknown } };
  };
  const records = () => `/zones/${api.zoneId}/dns_records`;

  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
  });

  afterEach(async () => {
    await api.stop();
  });

  test("answers in the v4 envelope, with result_info on lists", async () => {
    await call("POST", records(), { type: "A", name: "a", content: "203.0.113.1", ttl: 60 });
    const { json } = await call("GET", `${records()}?per_page=1`);
    expect(json).toMatchObject({ success: true, errors: [], messages: [], result: [{ name: "a.example.com", type: "A" }], result_info: { page: 1, per_page: 1, count: 1, total_count: 1, total_pages: 1 } });
  });

  test("refuses an identical record, a CNAME clash and an address of the wrong family, with Cloudflare's codes", async () => {
    await call("POST", records(), { type: "A", name: "a.example.com", content: "203.0.113.1" });
    expect((await call("POST", records(), { type: "A", name: "a.example.com", content: "203.0.113.1" })).json.errors[0]?.code).toBe(81058);
    expect((await call("POST", records(), { type: "CNAME", name: "a.example.com", content: "b.example.net" })).json.errors[0]?.code).toBe(81053);
    expect((await call("POST", records(), { type: "AAAA", name: "c.example.com", content: "203.0.113.1" })).json).toMatchObject({ success: false, result: null, errors: [{ code: 9006 }] });
  });

  test("filters by name with the dotted operators the SDK sends", async () => {
    for (const name of ["n1.nodes.example.com", "n2.nodes.example.com", "www.example.com"]) await call("POST", records(), { type: "A", name, content: "203.0.113.1" });
    const { json } = await call("GET", `${records()}?name.endswith=.nodes.example.com`);
    expect((json.result as { name: string }[]).map((r) => r.name)).toEqual(["n1.nodes.example.com", "n2.nodes.example.com"]);
  });

  test("checks the Bearer token, then its permissions", async () => {
    expect((await call("GET", records(), undefined, "nope")).status).toBe(403);
    await api.stop();
    api = new FakeCloudflareApi({ permissions: ["kv"] });
    await api.start();
    expect((await call("GET", records())).json.errors).toEqual([{ code: 10000, message: "Authentication error" }]);
  });

  test("injects a 429 with Retry-After for the matching calls only, as many times as asked", async () => {
    api.fail((r) => r.method === "GET", { status: 429, retryAfter: "7" }, 1);
    const limited = await call("GET", records());
    expect([limited.status, limited.headers.get("retry-after"), limited.json.errors[0]?.code]).toEqual([429, "7", 971]);
    expect((await call("GET", records())).status).toBe(200);
  });

  test("holds KV to one write per second per key", async () => {
    const bulk = `/accounts/${api.accountId}/storage/kv/namespaces/${api.namespaceId}/bulk`;
    expect((await call("PUT", bulk, [{ key: "k", value: "1" }])).status).toBe(200);
    const second = await call("PUT", bulk, [{ key: "k", value: "2" }]);
    expect([second.status, second.headers.get("retry-after")]).toEqual([429, "1"]);
    expect(api.kv.peek("k")?.value.toString()).toBe("1");
  });

  test("lists the account's zones in v4 pages, filtered by account.id", async () => {
    await api.stop();
    api = new FakeCloudflareApi({ moreZones: [{ id: "9a7806061c88ada191ed06f989cc3dac", name: "example.net" }, { id: "1b7806061c88ada191ed06f989cc3dac", name: "a.example.org" }] });
    await api.start();
    const { json } = await call("GET", `/zones?account.id=${api.accountId}&per_page=2&page=2`);
    expect(json).toMatchObject({ success: true, result: [{ name: "example.net", account: { id: api.accountId } }], result_info: { page: 2, per_page: 2, count: 1, total_count: 3, total_pages: 2 } });
    expect((await call("GET", "/zones?account.id=ffffffffffffffffffffffffffffffff")).json.result).toEqual([]);
    expect((await call("GET", "/zones/ffffffffffffffffffffffffffffffff/dns_records")).json.errors[0]?.code).toBe(7003);
  });

  test("attaches Workers Custom Domains with the API's refusals: wildcards, unknown Workers, foreign DNS records, another Worker's hostname", async () => {
    const domains = `/accounts/${api.accountId}/workers/domains`;
    const attached = await call("PUT", domains, { hostname: "shop.example.com", service: "edge-ingress" });
    expect(attached.json).toMatchObject({ success: true, result: { hostname: "shop.example.com", service: "edge-ingress", zone_id: api.zoneId, zone_name: "example.com" } });
    expect((await call("PUT", domains, { hostname: "shop.example.com", service: "edge-ingress" })).json.result).toEqual(attached.json.result);
    expect((await call("PUT", domains, { hostname: "*.example.com", service: "edge-ingress" })).json.errors[0]?.code).toBe(100102);
    expect((await call("PUT", domains, { hostname: "x.example.com", service: "nope" })).status).toBe(404);
    await call("POST", records(), { type: "CNAME", name: "old.example.com", content: "origin.example.org" });
    const clash = await call("PUT", domains, { hostname: "old.example.com", service: "edge-ingress" });
    expect([clash.status, clash.json.errors[0]?.code]).toEqual([409, 100117]);
    expect((await call("PUT", domains, { hostname: "www.example.org", service: "edge-ingress" })).json.errors[0]?.code).toBe(100103);
    const listed = await call("GET", `${domains}?hostname=shop.example.com`);
    expect(listed.json.result).toEqual([attached.json.result]);
    const id = (attached.json.result as { id: string }).id;
    expect((await call("DELETE", `${domains}/${id}`)).json).toMatchObject({ success: true, errors: [] });
    expect((await call("DELETE", `${domains}/${id}`)).status).toBe(404);
  });

  test("keeps one Workers route per pattern in a zone (10020), inside the zone only, and needs the Workers permission", async () => {
    const routes = `/zones/${api.zoneId}/workers/routes`;
    expect((await call("POST", routes, { pattern: "*.example.com/*", script: "edge-ingress" })).json).toMatchObject({ success: true, result: { pattern: "*.example.com/*", script: "edge-ingress" } });
    expect((await call("POST", routes, { pattern: "*.example.com/*", script: "edge-ingress" })).json.errors[0]?.code).toBe(10020);
    expect((await call("POST", routes, { pattern: "*.example.org/*" })).status).toBe(400);
    expect((await call("GET", routes)).json.result).toHaveLength(1);
    await api.stop();
    api = new FakeCloudflareApi({ permissions: ["dns"] });
    await api.start();
    expect((await call("GET", `/zones/${api.zoneId}/workers/routes`)).json.errors).toEqual([{ code: 10000, message: "Authentication error" }]);
  });
});
