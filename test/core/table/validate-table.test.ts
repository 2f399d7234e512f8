import { describe, expect, it } from "vitest";
import { compileTable } from "../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { sealTable, serializeTable } from "../../../core/table/hash-table.ts";
import { validateTable, verifyTableVersion } from "../../../core/table/validate-table.ts";
import type { RoutingTable } from "../../../core/table/schema.ts";
import { cluster, ingress, service, slice } from "../../support/cluster-builder.ts";

async function sealedDemo(): Promise<RoutingTable> {
  const content = compileTable(cluster({
    ingresses: [ingress("default/a", [{ host: "a.test", service: "web", port: 80 }])],
    services: [service("default/web", [{ port: 80, nodePort: 30080 }])],
    endpointSlices: [slice("default/web", [{ node: "node-a" }])],
  }), defaultCompileOptions).content;
  return sealTable(content, 42);
}

describe("validateTable", () => {
  it("accepts a compiled table after a JSON round trip", async () => {
    const table = await sealedDemo();
    expect(validateTable(JSON.parse(serializeTable(table)))).toEqual({ ok: true, table });
  });
  it("reports every problem with its path, not just the first", async () => {
    const table = await sealedDemo();
    const broken = {
      ...table,
      schema: 2,
      backends: table.backends.map((b) => ({ ...b, nodePort: 70000 })),
      hosts: [{ host: "a.test", rules: [{ path: "relative", pathType: "Regex", backend: "x", ingress: "y" }] }],
    };
    const result = validateTable(broken);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["schema", "backends[0].nodePort", "hosts[0].rules[0].path", "hosts[0].rules[0].pathType"]));
    }
  });
  it("reports references to unknown backends and nodes", async () => {
    const table = await sealedDemo();
    const result = validateTable({
      ...table,
      hosts: [{ host: "a.test", rules: [{ path: "/", pathType: "Prefix", backend: "default/gone:80", ingress: "default/a" }] }],
      backends: table.backends.map((b) => ({ ...b, targets: [{ node: "ghost", weight: 1 }] })),
    });
    expect(result.ok ? [] : result.issues).toEqual([
      { path: "backends[0].targets[0].node", message: 'unknown node "ghost"' },
      { path: "hosts[0].rules[0].backend", message: 'unknown backend "default/gone:80"' },
    ]);
  });
  it("refuses unknown fields, so a misspelt field is not silently ignored", async () => {
    expect(validateTable({ ...(await sealedDemo()), extra: true }).ok).toBe(false);
  });
  it("accepts a backend spoken to over HTTPS, and nothing else as its protocol (plain HTTP is written by leaving it out)", async () => {
    const table = await sealedDemo();
    const withProtocol = (protocol: string) => ({ ...table, backends: table.backends.map((b) => ({ ...b, protocol })) });
    expect(validateTable(withProtocol("https")).ok).toBe(true);
    for (const protocol of ["http", "HTTPS", "grpcs"]) {
      expect(validateTable(withProtocol(protocol))).toMatchObject({ ok: false, issues: [{ path: "backends[0].protocol" }] });
    }
  });
  it("refuses something that is not a table at all", () => {
    expect(validateTable("nope")).toMatchObject({ ok: false, issues: [{ path: "(root)" }] });
  });
});

describe("a failed-open backend in the table", () => {
  const withBackend = async (changes: Record<string, unknown>) => {
    const table = await sealedDemo();
    return validateTable({ ...table, backends: table.backends.map((b) => ({ ...b, ...changes })) });
  };
  const paths = (result: ReturnType<typeof validateTable>) => (result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`));

  it("is accepted as failedOpen: true, and changes the version", async () => {
    const table = await sealedDemo();
    const flagged = { ...table, backends: table.backends.map((b) => ({ ...b, failedOpen: true as const })) };
    expect(validateTable(JSON.parse(serializeTable(flagged)))).toEqual({ ok: true, table: flagged });
    expect(await verifyTableVersion(flagged)).toBe(false);
    expect((await sealTable(flagged, 42)).version).not.toBe(table.version);
  });
  it("is written only as true: false would give one table two encodings", async () => {
    expect(paths(await withBackend({ failedOpen: false }))).toEqual([expect.stringMatching(/^backends\[0\]\.failedOpen: /)]);
  });
  it("marks no target down and has targets to fail open to", async () => {
    expect(paths(await withBackend({ failedOpen: true, down: ["node-a"] }))).toEqual([
      "backends[0].failedOpen: a backend that fails open marks no target down: drop down or failedOpen",
    ]);
    expect(paths(await withBackend({ failedOpen: true, targets: [] }))).toEqual(["backends[0].failedOpen: a backend without targets has nothing to fail open to"]);
  });
});

describe("route policies in the table", () => {
  const withPolicies = async (policies: unknown) => validateTable({ ...(await sealedDemo()), policies });
  const paths = (result: ReturnType<typeof validateTable>) => (result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`));

  it("leaves a table without policies as it was: no field, so the same bytes and version", async () => {
    const table = await sealedDemo();
    expect("policies" in table).toBe(false);
    expect(serializeTable(table)).not.toContain("policies");
  });
  it("accepts what the compiler writes, after a JSON round trip", async () => {
    const policy = {
      ingress: "default/a", appRoot: "/app", maxBodyBytes: 1024, forceSslRedirect: true, deny: ["192.0.2.0/24"], allow: ["10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32"],
      redirect: { status: 301, location: "https://b.test$request_uri" },
      cors: { origins: ["https://*.a.test"], methods: "GET, POST", headers: "Content-Type", credentials: true, maxAge: 60 },
    };
    expect((await withPolicies([policy])).ok).toBe(true);
  });
  it("refuses a value the compiler would never write, wherever it hides", async () => {
    expect(paths(await withPolicies([
      { ingress: "default/a", allow: ["10.0.0.0/33"] },
      { ingress: "default/b", redirect: { status: 301, location: "https://b.test/$remote_addr" } },
      { ingress: "default/c", redirect: { status: 301, location: "https://b.test/\r\nset-cookie: x" } },
      { ingress: "default/d", cors: { origins: ["*"], methods: "GET", headers: "X\r\nY", credentials: true, maxAge: 1 } },
      { ingress: "default/e", rewrite: "/" },
      { ingress: "default/a" },
    ]))).toEqual([
      "policies[0].allow[0]: must be an IPv4 or IPv6 CIDR",
      "policies[1].redirect.location: names a variable the edge does not fill in",
      "policies[2].redirect.location: must be an absolute http(s) URL",
      "policies[3].cors.headers: must be a list of header names",
      'policies[4]: Unrecognized key: "rewrite"',
    ]);
    expect(paths(await withPolicies([{ ingress: "default/a" }, { ingress: "default/a" }]))).toEqual(['policies[1].ingress: duplicate policy for "default/a"']);
  });
});

describe("verifyTableVersion", () => {
  it("confirms an untouched table", async () => {
    expect(await verifyTableVersion(await sealedDemo())).toBe(true);
  });
  it("catches a table altered after sealing", async () => {
    const table = await sealedDemo();
    expect(await verifyTableVersion({ ...table, nodes: [{ name: "node-a", address: "203.0.113.9" }] })).toBe(false);
  });
  it("catches a backend's protocol added after sealing: the protocol is content", async () => {
    const table = await sealedDemo();
    expect(await verifyTableVersion({ ...table, backends: table.backends.map((b) => ({ ...b, protocol: "https" as const })) })).toBe(false);
  });
  it("ignores the generation, which is not content", async () => {
    const table = await sealedDemo();
    expect(await verifyTableVersion({ ...table, generation: 7 })).toBe(true);
  });
});

describe("HTTPRoute rules in the table", () => {
  const routeRule = (extra: Record<string, unknown>) => ({ path: "/", pathType: "Prefix", backend: "default/web:80", ingress: "HTTPRoute default/r#0", ...extra });
  const withRules = async (rules: unknown[], host = "a.test") => {
    const table = await sealedDemo();
    return validateTable({ ...table, hosts: [{ host, rules }] });
  };

  it("accepts conditions, weighted backends, an unresolved share and a rule without a backend", async () => {
    const result = await withRules([
      routeRule({ match: { scheme: "https", method: "POST", headers: [{ name: "version", value: "two" }], query: [{ name: "Animal", value: "whale" }] } }),
      routeRule({ split: [{ backend: "default/web:80", weight: 3 }, { weight: 1 }] }),
      routeRule({ backend: "" }),
    ]);
    expect(result.ok).toBe(true);
  });
  it("accepts an any-depth wildcard host of route rules", async () => expect((await withRules([routeRule({})], "**.a.test")).ok).toBe(true));
  it("refuses conditions on an Ingress's rule, an Ingress rule without a backend or on an any-depth host, and unknown split backends", async () => {
    const ingressRule = { path: "/", pathType: "Prefix", backend: "default/web:80", ingress: "default/a" };
    const shape = await withRules([routeRule({ match: { headers: [{ name: "Upper", value: "x" }] } })]);
    expect(shape.ok ? [] : shape.issues.map((i) => i.path)).toEqual(["hosts[0].rules[0].match.headers[0].name"]);
    const ingresses = await withRules([{ ...ingressRule, match: { method: "GET" } }, { ...ingressRule, backend: "" }]);
    expect(ingresses.ok ? [] : ingresses.issues.map((i) => i.path)).toEqual(["hosts[0].rules[0]", "hosts[0].rules[1].backend"]);
    const split = await withRules([routeRule({ split: [{ backend: "default/nope:80", weight: 1 }] })]);
    expect(split.ok ? [] : split.issues.map((i) => i.path)).toEqual(["hosts[0].rules[0].split[0].backend"]);
    const deep = await withRules([ingressRule], "**.a.test");
    expect(deep.ok ? [] : deep.issues.map((i) => i.message)).toEqual(["only HTTPRoute rules are served on an any-depth wildcard host"]);
  });
});
