import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parseClaim, registryName } from "../../../sync-agent/cloudflare/certificate-ownership.ts";
import { createCloudflareClient } from "../../../sync-agent/cloudflare/cloudflare-client.ts";
import { CustomCertificatesError, CustomCertificatesReconciler } from "../../../sync-agent/cloudflare/custom-certificates-reconciler.ts";
import { fingerprintOf, type TlsSecret } from "../../../sync-agent/cloudflare/tls-secret.ts";
import { FakeCloudflareApi, type FakeCloudflareApiOptions } from "../../support/fake-cloudflare-api/index.ts";

const pem = (name: string) => readFileSync(new URL(`fixtures/${name}.pem`, import.meta.url), "utf8");
const secret = (id: string, fixture: string, hosts: string[], keyFixture = fixture): TlsSecret =>
  ({ id, hosts, certPem: pem(`${fixture}.crt`), keyPem: pem(`${keyFixture}.key`) });
const shopV1 = secret("shop/shop-tls", "shop-v1", ["shop.example.com"]);
const shopV2 = secret("shop/shop-tls", "shop-v2", ["shop.example.com"]);
const api1 = secret("api/api-tls", "api", ["api.example.com", "v1.api.example.com"]);

describe("custom certificates from Ingress TLS Secrets, against the fake Cloudflare API", () => {
  let api: FakeCloudflareApi;
  let clock: number;

  const start = async (options: FakeCloudflareApiOptions = {}) => {
    await api?.stop();
    api = new FakeCloudflareApi(options);
    await api.start();
  };
  const reconciler = (ownerId = "cluster-a", retry = {}) =>
    new CustomCertificatesReconciler({
      client: createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl }),
      zoneId: api.zoneId,
      ownerId,
      nowMs: () => clock,
      retry: { sleep: async () => {}, ...retry },
    });
  const claims = () => api.dns.all().filter((r) => r.name === registryName(api.zoneName)).map((r) => parseClaim(r.content));
  const stored = () => api.certificates.all().map((c) => ({ id: c.id, hosts: c.hosts, fingerprint: api.certificates.fingerprints.get(c.id) }));

  beforeEach(async () => {
    clock = Date.now();
    await start();
  });

  afterEach(async () => {
    await api.stop();
  });

  test("uploads each Secret's certificate and records that it owns it, with the fingerprint", async () => {
    const report = await reconciler().reconcile([shopV1, api1]);
    expect(report).toMatchObject({ uploaded: 2, replaced: 0, removed: 0, problems: [] });
    expect(stored().map((c) => c.hosts).sort()).toEqual([["api.example.com", "*.api.example.com"], ["shop.example.com"]]);
    expect(claims().map((c) => c?.fingerprint).sort()).toEqual([fingerprintOf(shopV1.certPem), fingerprintOf(api1.certPem)].sort());
    expect(claims().every((c) => c?.owner === "cluster-a" && stored().some((s) => s.id === c.certificateId))).toBe(true);
    expect(JSON.stringify(api.dns.all())).not.toContain("shop-tls");
  });

  test("does nothing, and calls nothing, while the Secrets are unchanged", async () => {
    const certificates = reconciler();
    await certificates.reconcile([shopV1]);
    const calls = api.requests.length;
    expect(await certificates.reconcile([shopV1])).toBeNull();
    expect(api.requests.length).toBe(calls);
    clock += 11 * 60_000;
    expect(await certificates.reconcile([shopV1])).toMatchObject({ uploaded: 0, replaced: 0, removed: 0 });
    expect(api.writes().length).toBe(2);
  });

  test("rotates a certificate in place when its Secret changes", async () => {
    const certificates = reconciler();
    await certificates.reconcile([shopV1]);
    const [before] = stored();
    expect(await certificates.reconcile([shopV2])).toMatchObject({ uploaded: 0, replaced: 1 });
    expect(stored()).toEqual([{ id: before?.id, hosts: ["shop.example.com"], fingerprint: new (await import("node:crypto")).X509Certificate(shopV2.certPem).fingerprint256 }]);
    expect(claims()).toEqual([expect.objectContaining({ certificateId: before?.id, fingerprint: fingerprintOf(shopV2.certPem) })]);
  });

  test("follows a certificate that comes back from replacement under a new id", async () => {
    await start({ customCertificates: { newIdOnReplace: true } });
    const certificates = reconciler();
    await certificates.reconcile([shopV1]);
    await certificates.reconcile([shopV2]);
    const [after] = stored();
    expect(claims()).toEqual([expect.objectContaining({ certificateId: after?.id })]);
    clock += 11 * 60_000;
    expect(await certificates.reconcile([shopV2])).toMatchObject({ uploaded: 0, replaced: 0, removed: 0 });
  });

  test("deletes the certificates it uploaded once no Secret needs them, and never one it did not upload", async () => {
    const foreign = api.certificates.create({ certificate: pem("api.crt"), private_key: pem("api.key") });
    const certificates = reconciler();
    await certificates.reconcile([shopV1]);
    expect(await certificates.reconcile([])).toMatchObject({ removed: 1 });
    expect(stored().map((c) => c.id)).toEqual([foreign.id]);
    expect(claims()).toEqual([]);
  });

  test("leaves another owner's certificates alone", async () => {
    await reconciler("cluster-b").reconcile([api1]);
    await reconciler("cluster-a").reconcile([shopV1]);
    await reconciler("cluster-a").reconcile([]);
    expect(stored().map((c) => c.hosts[0])).toEqual(["api.example.com"]);
  });

  test("uploads again, under the same claim, a certificate deleted by hand", async () => {
    const certificates = reconciler();
    await certificates.reconcile([shopV1]);
    const [first] = stored();
    api.certificates.delete(first?.id ?? "");
    clock += 11 * 60_000;
    expect(await certificates.reconcile([shopV1])).toMatchObject({ uploaded: 1 });
    expect(claims()).toHaveLength(1);
    expect(claims()[0]?.certificateId).toBe(stored()[0]?.id);
  });

  test("reports Secrets Cloudflare would refuse, and uploads the rest", async () => {
    const report = await reconciler().reconcile([
      secret("a/wrong-key", "shop-v1", ["shop.example.com"], "api"),
      secret("a/expiring", "expiring", ["old.example.com"]),
      secret("a/outside", "outside", ["other.test"]),
      { id: "a/garbage", hosts: [], certPem: "not a certificate", keyPem: "" },
      api1,
      { ...api1, id: "b/same-cert" },
      secret("c/partial", "shop-v1", ["shop.example.com", "www.example.com"]),
    ]);
    expect(report?.uploaded).toBe(2);
    expect(report?.problems.map((p) => `${p.secret}: ${p.reason}`).sort()).toEqual([
      expect.stringMatching(/^a\/expiring: the certificate expires .*within 14 days$/),
      "a/garbage: tls.crt is not a PEM certificate",
      "a/outside: the certificate names no host in the zone example.com",
      "a/wrong-key: tls.key does not belong to the certificate in tls.crt",
      "b/same-cert: holds the same certificate as api/api-tls: uploaded once, for api/api-tls",
      "c/partial: the certificate does not cover www.example.com",
    ]);
  });

  test("a zone whose plan has no custom certificates fails as unauthorized, saying so", async () => {
    await start({ customCertificates: { allowed: false } });
    const error = await reconciler().reconcile([shopV1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CustomCertificatesError);
    expect(error).toMatchObject({ code: "unauthorized", message: expect.stringContaining("not available on this zone's plan") });
    expect(claims()).toEqual([]);
  });

  test("a 429 on upload is waited out, then the upload goes through", async () => {
    const waits: number[] = [];
    api.fail((r) => r.method === "POST" && r.path.endsWith("/custom_certificates"), { status: 429, retryAfter: "5" });
    await reconciler("cluster-a", { sleep: async (ms: number) => { waits.push(ms); } }).reconcile([shopV1]);
    expect(waits).toEqual([5000]);
    expect(stored()).toHaveLength(1);
  });

  test("a token without the certificates permission fails as unauthorized", async () => {
    await start({ permissions: ["dns", "kv"] });
    await expect(reconciler().reconcile([shopV1])).rejects.toMatchObject({ code: "unauthorized" });
  });
});
