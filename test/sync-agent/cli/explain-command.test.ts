import { describe, expect, it } from "vitest";
import { runCli } from "../../../sync-agent/cli/main.ts";
import { nginxClusterYaml } from "../../support/nginx-manifests.ts";
import { makeTempDir } from "../../support/temp-dir.ts";

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {} });
  return { code, stdout, stderr };
}

const lines = (text: string): unknown[] => text.trim().split("\n").map((line) => JSON.parse(line) as unknown);

describe("edge-ingress explain", () => {
  it("prints one JSON object per URL, in order, on the bundled demo", async () => {
    const result = await run([
      "explain", "--manifests", "examples/demo",
      "https://shop.example.test/cart/items",
      "http://shop.example.test/",
      "http://blog.example.test/public/../admin",
      "http://nowhere.test/",
    ]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      {
        url: "https://shop.example.test/cart/items", status: 200, ingress: "shop/cart",
        rule: { host: "shop.example.test", path: "/cart", pathType: "Prefix" },
        backend: { service: "shop/cart", port: 8080 },
        targets: ["127.0.0.2:30081", "127.0.0.3:30081", "127.0.0.4:30081"],
      },
      {
        url: "http://shop.example.test/", status: 308, ingress: "shop/storefront",
        rule: { host: "shop.example.test", path: "/", pathType: "Prefix" },
        backend: { service: "shop/storefront", port: "http" },
        targets: ["127.0.0.2:30080", "127.0.0.3:30080", "127.0.0.4:30080"],
        location: "https://shop.example.test/",
      },
      {
        url: "http://blog.example.test/public/../admin", status: 200, ingress: "web/blog",
        rule: { host: "blog.example.test", path: "/admin", pathType: "Exact" },
        backend: { service: "web/blog", port: 80 },
        targets: ["127.0.0.3:30090", "127.0.0.4:30090"],
      },
      { url: "http://nowhere.test/", status: 404, ingress: null, rule: null, backend: null, targets: [] },
    ]);
  });

  it("answers 503 for a route whose Service has no ready endpoint, and reports broken Ingresses on stderr", async () => {
    const made = await makeTempDir({
      "all.yaml": `
kind: Node
metadata: { name: n1 }
status: { conditions: [{ type: Ready, status: "True" }], addresses: [{ type: ExternalIP, address: 127.0.0.2 }] }
---
kind: Service
metadata: { name: idle }
spec: { type: NodePort, ports: [{ port: 80, nodePort: 30100 }] }
---
kind: Ingress
metadata: { name: idle }
spec:
  ingressClassName: edge
  rules: [{ host: idle.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: idle, port: { number: 80 } } } }] } }]
---
kind: Ingress
metadata: { name: broken }
spec:
  ingressClassName: edge
  rules: [{ host: broken.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: missing, port: { number: 80 } } } }] } }]
`,
    });
    try {
      const result = await run(["explain", "--manifests", made.dir, "http://idle.test/", "http://broken.test/"]);
      expect(result.code).toBe(0);
      expect(lines(result.stdout).map((l) => (l as { status: number }).status)).toEqual([503, 404]);
      expect(result.stderr).toBe("default/broken: broken.test /: Service default/missing not found; left out\n");
    } finally {
      await made.remove();
    }
  });

  it("shows the protocol of a backend the edge speaks HTTPS to, and none for plain HTTP", async () => {
    const made = await makeTempDir({
      "all.yaml": `
kind: Node
metadata: { name: n1 }
status: { conditions: [{ type: Ready, status: "True" }], addresses: [{ type: ExternalIP, address: 127.0.0.2 }] }
---
kind: Service
metadata: { name: secure }
spec: { type: NodePort, ports: [{ name: https, port: 443, nodePort: 30443, appProtocol: https }] }
---
kind: EndpointSlice
metadata: { name: secure-1, labels: { kubernetes.io/service-name: secure } }
ports: [{ name: https, port: 8443 }]
endpoints: [{ nodeName: n1, conditions: { ready: true } }]
---
kind: Ingress
metadata: { name: secure }
spec:
  ingressClassName: edge
  rules: [{ host: secure.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: secure, port: { name: https } } } }] } }]
---
kind: Ingress
metadata: { name: plain, annotations: { edge-ingress.dev/backend-protocol: HTTP } }
spec:
  ingressClassName: edge
  rules: [{ host: plain.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: secure, port: { name: https } } } }] } }]
`,
    });
    try {
      const result = await run(["explain", "--manifests", made.dir, "https://secure.test/", "https://plain.test/"]);
      expect(result.stderr).toBe("");
      expect(lines(result.stdout)).toEqual([
        { url: "https://secure.test/", status: 200, ingress: "default/secure", rule: { host: "secure.test", path: "/", pathType: "Prefix" }, backend: { service: "default/secure", port: "https" }, protocol: "https", targets: ["127.0.0.2:30443"] },
        { url: "https://plain.test/", status: 200, ingress: "default/plain", rule: { host: "plain.test", path: "/", pathType: "Prefix" }, backend: { service: "default/secure", port: "https" }, targets: ["127.0.0.2:30443"] },
      ]);
    } finally {
      await made.remove();
    }
  });

  it("serves the nginx class when told to, and shows the ingress-nginx annotations the picked rule is served without", async () => {
    const made = await makeTempDir({ "all.yaml": nginxClusterYaml });
    try {
      const result = await run(["explain", "--manifests", made.dir, "--ingress-class", "edge,nginx", "http://limited.test/a", "http://plain.test/", "http://admin.test/"]);
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toEqual([
        {
          url: "http://limited.test/a", status: 200, ingress: "default/limited", rule: { host: "limited.test", path: "/", pathType: "Prefix" },
          backend: { service: "default/web", port: 80 }, targets: ["127.0.0.2:30080"],
          ignoredAnnotations: ["nginx.ingress.kubernetes.io/limit-rps", "nginx.ingress.kubernetes.io/proxy-buffering"],
        },
        { url: "http://plain.test/", status: 200, ingress: "default/plain", rule: { host: "plain.test", path: "/", pathType: "Prefix" }, backend: { service: "default/web", port: 80 }, targets: ["127.0.0.2:30080"] },
        { url: "http://admin.test/", status: 404, ingress: null, rule: null, backend: null, targets: [] },
      ]);
      expect(result.stderr).toBe([
        "default/admin: annotation nginx.ingress.kubernetes.io/auth-url is access control the edge does not enforce; the Ingress is not served (it fails closed rather than serve its routes open)",
        "default/limited: annotation nginx.ingress.kubernetes.io/limit-rps is not supported at the edge; served without it",
        "default/limited: annotation nginx.ingress.kubernetes.io/proxy-buffering is not supported at the edge; served without it",
        "",
      ].join("\n"));
    } finally {
      await made.remove();
    }
  });

  it("names a LoadBalancer Service as the source of its routes; compile lists them and reports the host an Ingress keeps", async () => {
    const made = await makeTempDir({
      "all.yaml": `
kind: Node
metadata: { name: n1 }
status: { conditions: [{ type: Ready, status: "True" }], addresses: [{ type: ExternalIP, address: 127.0.0.2 }] }
---
kind: Service
metadata:
  name: lb
  annotations: { edge-ingress.dev/hostnames: "lb.test, taken.test", edge-ingress.dev/tls: "true" }
spec: { type: LoadBalancer, loadBalancerClass: edge-ingress.dev/edge, ports: [{ name: http, port: 80, nodePort: 30200 }] }
---
kind: EndpointSlice
metadata: { name: lb-1, labels: { kubernetes.io/service-name: lb } }
ports: [{ name: http, port: 8080 }]
endpoints: [{ nodeName: n1, conditions: { ready: true } }]
---
kind: Ingress
metadata: { name: taken }
spec:
  ingressClassName: edge
  rules: [{ host: taken.test, http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: lb, port: { number: 80 } } } }] } }]
`,
    });
    try {
      const explained = await run(["explain", "--manifests", made.dir, "https://lb.test/any/path", "http://lb.test/", "https://taken.test/api"]);
      expect(lines(explained.stdout)).toEqual([
        { url: "https://lb.test/any/path", status: 200, ingress: null, service: "default/lb", rule: { host: "lb.test", path: "/", pathType: "Prefix" }, backend: { service: "default/lb", port: "http" }, targets: ["127.0.0.2:30200"] },
        { url: "http://lb.test/", status: 308, ingress: null, service: "default/lb", rule: { host: "lb.test", path: "/", pathType: "Prefix" }, backend: { service: "default/lb", port: "http" }, targets: ["127.0.0.2:30200"], location: "https://lb.test/" },
        { url: "https://taken.test/api", status: 200, ingress: "default/taken", rule: { host: "taken.test", path: "/api", pathType: "Prefix" }, backend: { service: "default/lb", port: 80 }, targets: ["127.0.0.2:30200"] },
      ]);
      const compiled = await run(["compile", "--manifests", made.dir]);
      expect(compiled.code).toBe(0);
      expect((JSON.parse(compiled.stdout) as { hosts: unknown[] }).hosts).toContainEqual({ host: "lb.test", rules: [{ path: "/", pathType: "Prefix", backend: "default/lb:http", ingress: "Service default/lb" }] });
      expect(compiled.stderr).toBe("default/lb: host taken.test is already served by the Ingress default/taken (an Ingress's rules win over a LoadBalancer Service's); left out\n");
    } finally {
      await made.remove();
    }
  });

  it("names an HTTPRoute, its rule, match, weighted backends and filters; compile reports the route's problems", async () => {
    const made = await makeTempDir({
      "all.yaml": `
kind: Node
metadata: { name: n1 }
status: { conditions: [{ type: Ready, status: "True" }], addresses: [{ type: ExternalIP, address: 127.0.0.2 }] }
---
kind: Service
metadata: { name: web }
spec: { type: NodePort, ports: [{ port: 8080, nodePort: 30300 }] }
---
kind: EndpointSlice
metadata: { name: web-1, labels: { kubernetes.io/service-name: web } }
ports: [{ port: 8080 }]
endpoints: [{ nodeName: n1, conditions: { ready: true } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: edge }
spec: { controllerName: edge-ingress.dev/controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw }
spec: { gatewayClassName: edge, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [api.test]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /v1 }, headers: [{ name: X-Beta, value: "yes" }] }]
    filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /v2 } } }]
    backendRefs: [{ name: web, port: 8080, weight: 3 }, { name: gone, port: 8080, weight: 1 }]
`,
    });
    try {
      const explained = await run(["explain", "--manifests", made.dir, "--header", "X-Beta: yes", "http://api.test/v1/users", "https://api.test/v1/users"]);
      expect(lines(explained.stdout)).toEqual([
        {
          url: "http://api.test/v1/users", status: 200, ingress: null, route: { name: "default/api", rule: 0 },
          rule: { host: "api.test", path: "/v1", pathType: "Prefix" },
          match: { scheme: "http", headers: [{ name: "x-beta", value: "yes" }] },
          backend: { service: "default/web", port: 8080 }, targets: ["127.0.0.2:30300"],
          split: [{ backend: { service: "default/web", port: 8080 }, weight: 3 }, { backend: null, weight: 1 }],
          filters: { rewritePath: { prefix: "/v2" } },
          upstreamPath: "/v2/users",
        },
        { url: "https://api.test/v1/users", status: 404, ingress: null, rule: null, backend: null, targets: [] },
      ]);
      const compiled = await run(["compile", "--manifests", made.dir]);
      expect(compiled.stderr).toBe("default/api: rule 0: backendRef Service default/gone: Service default/gone not found; its share of requests is answered 500\n");
    } finally {
      await made.remove();
    }
  });

  it("answers as a policy would for the request described by --client-ip, --method and --header", async () => {
    const yaml = nginxClusterYaml.replace(
      "name: plain, annotations: { nginx.ingress.kubernetes.io/ssl-redirect: \"false\" }",
      "name: plain, annotations: { nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8, nginx.ingress.kubernetes.io/enable-cors: \"true\" }",
    );
    const made = await makeTempDir({ "all.yaml": yaml });
    const explain = async (...flags: string[]) => {
      const result = await run(["explain", "--manifests", made.dir, "--ingress-class", "nginx", ...flags, "http://plain.test/x"]);
      return lines(result.stdout)[0] as { status: number; reason?: string };
    };
    try {
      expect(await explain("--client-ip", "10.1.1.1")).toMatchObject({ status: 200 });
      expect(await explain("--client-ip", "192.0.2.1")).toMatchObject({ status: 403, reason: "forbidden: the client address is not allowed" });
      expect(await explain()).toMatchObject({ status: 403, reason: "forbidden: the client address is unknown" });
      expect(await explain("--method", "options", "--header", "Origin: https://a.test")).toMatchObject({ status: 204, reason: "CORS preflight" });
      expect((await run(["explain", "--manifests", made.dir, "--header", "nocolon", "http://plain.test/"])).code).toBe(2);
    } finally {
      await made.remove();
    }
  });

  it("shows the canary that shares a mainline's route, and the canary's route when the header asks for it", async () => {
    const canary = `
---
kind: Ingress
metadata: { name: plain-canary, annotations: { nginx.ingress.kubernetes.io/canary: "true", nginx.ingress.kubernetes.io/canary-weight: "10", nginx.ingress.kubernetes.io/canary-by-header: X-Canary } }
spec:
  ingressClassName: nginx
  rules: [{ host: plain.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
`;
    const made = await makeTempDir({ "all.yaml": nginxClusterYaml + canary });
    try {
      const mainline = await run(["explain", "--manifests", made.dir, "--ingress-class", "nginx", "http://plain.test/"]);
      expect(lines(mainline.stdout)[0]).toMatchObject({
        ingress: "default/plain",
        canary: { ingress: "default/plain-canary", backend: { service: "default/web", port: 80 }, weight: 10, weightTotal: 100, header: "x-canary" },
      });
      const chosen = await run(["explain", "--manifests", made.dir, "--ingress-class", "nginx", "--header", "X-Canary: always", "http://plain.test/"]);
      expect(lines(chosen.stdout)[0]).toMatchObject({ ingress: "default/plain-canary" });
      expect(lines(chosen.stdout)[0]).not.toHaveProperty("canary");
    } finally {
      await made.remove();
    }
  });

  it("lists every usage problem at once and exits 2", async () => {
    const result = await run(["explain", "--node-domain", "not a domain", "ftp://x/"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--node-domain");
    expect(result.stderr).toContain("give --manifests DIR or --kubeconfig PATH");
    expect(result.stderr).toContain('"ftp://x/" is not an absolute http(s) URL');
  });

  it("names the broken file and exits 1 when a manifest is invalid", async () => {
    const made = await makeTempDir({ "bad.yaml": "kind: [\n" });
    try {
      const result = await run(["explain", "--manifests", made.dir, "http://a.test/"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/bad\.yaml:\d+: invalid YAML/);
      expect(result.stdout).toBe("");
    } finally {
      await made.remove();
    }
  });
});

describe("edge-ingress compile", () => {
  it("prints the same bytes for the same manifests", async () => {
    const first = await run(["compile", "--manifests", "examples/demo"]);
    const second = await run(["compile", "--manifests", "examples/demo"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    expect(JSON.parse(first.stdout)).toMatchObject({ schema: 1, generation: 0 });
  });
  it("rejects an unknown command with usage", async () => {
    const result = await run(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});
