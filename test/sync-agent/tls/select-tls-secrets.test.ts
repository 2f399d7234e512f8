import { describe, expect, test } from "vitest";
import type { Ingress } from "../../../core/compile/cluster-objects.ts";
import { type SecretObject, selectTlsSecrets } from "../../../sync-agent/tls/select-tls-secrets.ts";

const b64 = (text: string): string => Buffer.from(text).toString("base64");

function tlsIngress(key: string, sections: { hosts?: string[]; secretName?: string }[]): Ingress {
  const [namespace, name] = key.split("/");
  return { metadata: { namespace, name }, spec: { ingressClassName: "edge", tls: sections } };
}

function tlsSecret(key: string, data: Record<string, string> = { "tls.crt": b64("CERT"), "tls.key": b64("KEY") }, extra: Partial<SecretObject> = {}): SecretObject {
  const [namespace, name] = key.split("/");
  return { metadata: { namespace, name }, type: "kubernetes.io/tls", data, ...extra };
}

describe("selecting the TLS Secrets of served Ingresses", () => {
  test("returns each Secret a served Ingress names, decoded, with the hosts of every section naming it", () => {
    const ingresses = [
      tlsIngress("shop/web", [{ hosts: ["shop.example.com"], secretName: "shop-tls" }]),
      tlsIngress("shop/api", [{ hosts: ["api.shop.example.com", "shop.example.com"], secretName: "shop-tls" }]),
    ];
    const { secrets, problems } = selectTlsSecrets(ingresses, ["shop/api", "shop/web"], [tlsSecret("shop/shop-tls")]);
    expect(problems).toEqual([]);
    expect(secrets).toEqual([{ id: "shop/shop-tls", hosts: ["api.shop.example.com", "shop.example.com"], certPem: "CERT", keyPem: "KEY" }]);
  });

  test("never returns a Secret that no served Ingress names, nor one named by an Ingress of another class", () => {
    const ingresses = [tlsIngress("shop/web", [{ hosts: ["a.example.com"], secretName: "a-tls" }]), tlsIngress("other/web", [{ hosts: ["b.example.com"], secretName: "b-tls" }])];
    const { secrets } = selectTlsSecrets(ingresses, ["shop/web"], [tlsSecret("shop/a-tls"), tlsSecret("other/b-tls"), tlsSecret("shop/unrelated")]);
    expect(secrets.map((s) => s.id)).toEqual(["shop/a-tls"]);
  });

  test("looks the Secret up in the Ingress's own namespace", () => {
    const { secrets, problems } = selectTlsSecrets([tlsIngress("shop/web", [{ hosts: ["a.example.com"], secretName: "tls" }])], ["shop/web"], [tlsSecret("default/tls")]);
    expect(secrets).toEqual([]);
    expect(problems).toEqual([{ secret: "shop/tls", reason: "no Secret of type kubernetes.io/tls by this name" }]);
  });

  test("stringData wins over data, as the API server merges them", () => {
    const secret = tlsSecret("shop/tls", { "tls.crt": b64("OLD"), "tls.key": b64("KEY") }, { stringData: { "tls.crt": "NEW" } });
    const { secrets } = selectTlsSecrets([tlsIngress("shop/web", [{ hosts: ["a.example.com"], secretName: "tls" }])], ["shop/web"], [secret]);
    expect(secrets[0]?.certPem).toBe("NEW");
  });

  test("reports a Secret of another type or without tls.crt and tls.key, and leaves it out", () => {
    const ingresses = [tlsIngress("shop/web", [{ hosts: ["a.example.com"], secretName: "opaque" }, { hosts: ["b.example.com"], secretName: "empty" }])];
    const { secrets, problems } = selectTlsSecrets(ingresses, ["shop/web"], [tlsSecret("shop/opaque", undefined, { type: "Opaque" }), tlsSecret("shop/empty", {})]);
    expect(secrets).toEqual([]);
    expect(problems).toEqual([
      { secret: "shop/empty", reason: "has no tls.crt and no tls.key" },
      { secret: "shop/opaque", reason: "is of type Opaque, not kubernetes.io/tls" },
    ]);
  });

  test("a section without secretName names nothing, and invalid hosts are not listed", () => {
    const ingresses = [tlsIngress("shop/web", [{ hosts: ["a.example.com"] }, { hosts: ["10.0.0.1", "b.example.com"], secretName: "tls" }])];
    const { secrets } = selectTlsSecrets(ingresses, ["shop/web"], [tlsSecret("shop/tls")]);
    expect(secrets.map((s) => s.hosts)).toEqual([["b.example.com"]]);
  });
  test("a Gateway HTTPS listener's certificateRef is selected like an Ingress's secretName, hosts merged", () => {
    const ingresses = [tlsIngress("shop/web", [{ hosts: ["a.example.com"], secretName: "tls" }])];
    const { secrets, problems } = selectTlsSecrets(ingresses, ["shop/web"], [tlsSecret("shop/tls"), tlsSecret("edge/gw")], [
      { secret: "edge/gw", hosts: ["*.gw.example.com"] },
      { secret: "shop/tls", hosts: ["b.example.com"] },
      { secret: "edge/missing", hosts: [] },
    ]);
    expect(secrets.map((s) => [s.id, s.hosts])).toEqual([["edge/gw", ["*.gw.example.com"]], ["shop/tls", ["a.example.com", "b.example.com"]]]);
    expect(problems).toEqual([{ secret: "edge/missing", reason: "no Secret of type kubernetes.io/tls by this name" }]);
  });
});
