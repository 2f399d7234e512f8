import { describe, expect, it } from "vitest";
import { parseNginxPolicy } from "../../../../core/compile/nginx/parse-nginx-policy.ts";

const P = "nginx.ingress.kubernetes.io/";
const policyOf = (annotations: Record<string, string>) => parseNginxPolicy(Object.fromEntries(Object.entries(annotations).map(([k, v]) => [P + k, v])));

describe("parseNginxPolicy", () => {
  it("asks for nothing when no annotation it applies is present", () => {
    expect(parseNginxPolicy({ "edge-ingress.dev/affinity": "cookie", [`${P}limit-rps`]: "1" })).toEqual({ policy: null, problems: [], refusals: [], wwwRedirect: false, regex: { useRegex: false, rewriteTarget: null } });
  });

  describe("source ranges", () => {
    it("reads allowlist-source-range, else whitelist-source-range, canonical, sorted and without duplicates", () => {
      expect(policyOf({ "whitelist-source-range": "10.1.2.3/8, 192.168.0.1,10.0.0.0/8" }).policy).toEqual({ allow: ["10.0.0.0/8", "192.168.0.1/32"] });
      expect(policyOf({ "allowlist-source-range": "::1", "whitelist-source-range": "10.0.0.0/8" }).policy).toEqual({ allow: ["0:0:0:0:0:0:0:1/128"] });
    });
    it("refuses the Ingress for a range that does not parse: dropping it could open access", () => {
      const parsed = policyOf({ "denylist-source-range": "192.0.2.0/24, example.com" });
      expect(parsed.policy).toBeNull();
      expect(parsed.refusals).toEqual([`annotation ${P}denylist-source-range: "example.com" is not an IPv4 or IPv6 address or CIDR; the Ingress is not served (it fails closed rather than serve its routes open)`]);
      expect(policyOf({ "whitelist-source-range": " , " }).refusals).toHaveLength(1);
    });
  });

  describe("redirects", () => {
    it("defaults permanent-redirect to 301 and takes a code from 300 to 308, else the default", () => {
      expect(policyOf({ "permanent-redirect": "https://a.test/" }).policy?.redirect).toEqual({ status: 301, location: "https://a.test/" });
      expect(policyOf({ "permanent-redirect": "https://a.test/", "permanent-redirect-code": "308" }).policy?.redirect?.status).toBe(308);
      expect(policyOf({ "permanent-redirect": "https://a.test/", "permanent-redirect-code": "404" }).policy?.redirect?.status).toBe(301);
    });
    it("lets temporal-redirect win, 302 by default, codes 300 to 307", () => {
      expect(policyOf({ "temporal-redirect": "http://t.test/", "permanent-redirect": "https://p.test/" }).policy?.redirect).toEqual({ status: 302, location: "http://t.test/" });
      expect(policyOf({ "temporal-redirect": "http://t.test/", "temporal-redirect-code": "308" }).policy?.redirect?.status).toBe(302);
      expect(policyOf({ "temporal-redirect": "http://t.test/", "temporal-redirect-code": "307" }).policy?.redirect?.status).toBe(307);
    });
    it("serves without a redirect whose URL is not absolute http(s), unsafe as a header, or names another variable", () => {
      for (const location of ["/relative", "ftp://a.test/", "https://a.test/\r\nx: y", "https://a.test/$remote_addr", "https://a.test/${uri}", "https://a.test/$uris"]) {
        const parsed = policyOf({ "permanent-redirect": location });
        expect(parsed.policy, location).toBeNull();
        expect(parsed.problems, location).toHaveLength(1);
      }
    });
  });

  it("reads proxy-body-size in nginx's units, 0 turning the check off", () => {
    expect(policyOf({ "proxy-body-size": "8m" }).policy).toEqual({ maxBodyBytes: 8 * 1024 * 1024 });
    expect(policyOf({ "proxy-body-size": "2K" }).policy).toEqual({ maxBodyBytes: 2048 });
    expect(policyOf({ "proxy-body-size": "100" }).policy).toEqual({ maxBodyBytes: 100 });
    expect(policyOf({ "proxy-body-size": "0" }).policy).toBeNull();
    expect(policyOf({ "proxy-body-size": "1.5m" }).problems).toHaveLength(1);
  });

  it("reads proxy-read-timeout in seconds as the time the backend has to answer, at most 600 s", () => {
    expect(policyOf({ "proxy-read-timeout": "120" }).policy).toEqual({ responseTimeoutMs: 120_000 });
    expect(policyOf({ "proxy-read-timeout": "3600" }).policy).toEqual({ responseTimeoutMs: 600_000 });
    expect(policyOf({ "proxy-read-timeout": "60s" }).problems).toHaveLength(1);
  });

  it("takes upstream-vhost as a host name, and says it reaches the backend only over the socket transport", () => {
    const parsed = policyOf({ "upstream-vhost": "Internal.svc:8080" });
    expect(parsed.policy).toEqual({ upstreamHost: "internal.svc:8080" });
    expect(parsed.problems).toEqual([`annotation ${P}upstream-vhost: the backend sees Host internal.svc:8080 only where the edge uses the socket transport (EDGE_TRANSPORT=socket); the fetch transport sends the target's own name`]);
    expect(policyOf({ "upstream-vhost": "a b" }).policy).toBeNull();
  });

  it("takes app-root as an absolute path only", () => {
    expect(policyOf({ "app-root": "/app1" }).policy).toEqual({ appRoot: "/app1" });
    expect(policyOf({ "app-root": "http://x/" }).problems).toHaveLength(1);
  });

  it("takes proxy-connect-timeout in whole seconds, at most 600, and says only the socket transport applies it", () => {
    const parsed = policyOf({ "proxy-connect-timeout": "3" });
    expect(parsed.policy).toEqual({ connectTimeoutMs: 3000 });
    expect(parsed.problems).toEqual([expect.stringContaining("only where it uses the socket transport (EDGE_TRANSPORT=socket)")]);
    expect(policyOf({ "proxy-connect-timeout": "9000" }).policy).toEqual({ connectTimeoutMs: 600_000 });
    expect(policyOf({ "proxy-connect-timeout": "5s" }).policy).toBeNull();
  });

  describe("use-regex and rewrite-target", () => {
    it("reads use-regex as Go's ParseBool does", () => {
      expect(policyOf({ "use-regex": "True" }).regex.useRegex).toBe(true);
      expect(policyOf({ "use-regex": "1" }).regex.useRegex).toBe(true);
      expect(policyOf({ "use-regex": "yes" }).regex.useRegex).toBe(false);
    });
    it("takes a rewrite-target path with the captures $1 to $9", () => {
      const parsed = policyOf({ "rewrite-target": "/new/$1/$2" });
      expect(parsed.policy).toEqual({ rewriteTarget: "/new/$1/$2" });
      expect(parsed.regex).toEqual({ useRegex: false, rewriteTarget: "/new/$1/$2" });
    });
    it("reports a target ingress-nginx refuses, and it puts no path in regex mode, as there", () => {
      const parsed = policyOf({ "rewrite-target": "/new?x=1" });
      expect(parsed.policy).toBeNull();
      expect(parsed.regex.rewriteTarget).toBeNull();
      expect(parsed.problems).toEqual([`annotation ${P}rewrite-target: "/new?x=1" is not a path (ingress-nginx's syntax: letters, digits, -._~/: and $1…); served without it`]);
    });
    it("reports a target ingress-nginx takes but the edge cannot fill in, whose paths stay in regex mode", () => {
      const parsed = policyOf({ "rewrite-target": "/$host/$1" });
      expect(parsed.policy).toBeNull();
      expect(parsed.regex.rewriteTarget).toBe("/$host/$1");
      expect(parsed.problems).toHaveLength(1);
    });
  });

  it("sends x-forwarded-prefix, captures too, only beside rewrite-target, as ingress-nginx does", () => {
    expect(policyOf({ "rewrite-target": "/$2", "x-forwarded-prefix": "/$1" }).policy).toEqual({ rewriteTarget: "/$2", forwardedPrefix: "/$1" });
    const alone = policyOf({ "x-forwarded-prefix": "/shop" });
    expect(alone.policy).toBeNull();
    expect(alone.problems).toEqual([`annotation ${P}x-forwarded-prefix is sent only with rewrite-target, as ingress-nginx does; not sent`]);
    expect(policyOf({ "rewrite-target": "/", "x-forwarded-prefix": "/a\r\nb: c" }).policy).toEqual({ rewriteTarget: "/" });
  });

  describe("enable-cors", () => {
    it("uses ingress-nginx's defaults", () => {
      expect(policyOf({ "enable-cors": "true" }).policy?.cors).toEqual({
        origins: ["*"],
        methods: "GET, PUT, POST, DELETE, PATCH, OPTIONS",
        headers: "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
        credentials: true,
        maxAge: 1728000,
      });
      expect(policyOf({ "cors-allow-origin": "https://a.test" }).policy).toBeNull();
    });
    it("keeps valid origins, reports the others, and takes * among them as any origin", () => {
      const parsed = policyOf({ "enable-cors": "true", "cors-allow-origin": "https://a.test, javascript:alert(1), https://*.b.test:8443" });
      expect(parsed.policy?.cors?.origins).toEqual(["https://a.test", "https://*.b.test:8443"]);
      expect(parsed.problems).toEqual([`annotation ${P}cors-allow-origin: "javascript:alert(1)" is not * or an origin such as https://a.example; served without it`]);
      expect(policyOf({ "enable-cors": "true", "cors-allow-origin": "https://a.test, *" }).policy?.cors?.origins).toEqual(["*"]);
    });
    it("falls back to the default for a header list that could break a header, and reports it", () => {
      const parsed = policyOf({ "enable-cors": "true", "cors-allow-headers": "X-A\r\nSet-Cookie: x", "cors-expose-headers": "X-Total, X-Page", "cors-max-age": "60", "cors-allow-credentials": "false" });
      expect(parsed.policy?.cors).toMatchObject({ headers: expect.stringMatching(/^DNT,/), expose: "X-Total, X-Page", maxAge: 60, credentials: false });
      expect(parsed.problems).toHaveLength(1);
    });
  });
});
