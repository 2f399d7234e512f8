import { beforeAll, describe, expect, it } from "vitest";
import { compileTable } from "../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../core/compile/compile-options.ts";
import { sealTable } from "../../core/table/hash-table.ts";
import { validateTable } from "../../core/table/validate-table.ts";
import { conformanceCluster } from "../support/gateway-conformance/base-cluster.ts";
import * as suite from "../support/gateway-conformance/conformance-manifests.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { nextGeneration } from "./support/tables.ts";

/**
 * The Gateway API conformance suite's HTTPRoute tests (kubernetes-sigs/gateway-api conformance/tests), their own
 * manifests compiled by the real compiler and served by the real worker onto the echo backends: infra-backend-v1
 * is echo service "web", -v2 "api", -v3 "tls-web" (over HTTPS), and the other namespaces' Services stand on these.
 * What each backend saw — path, headers, host — is what the suite checks.
 */
const SERVICE_OF: Record<string, string> = { web: "infra-backend-v1", api: "infra-backend-v2", "tls-web": "infra-backend-v3" };

async function serve(manifests: string): Promise<void> {
  const state = conformanceCluster(manifests, {
    nodes: backends.nodes,
    v1: backends.ports.web,
    v2: backends.ports.api,
    v3: backends.ports.tlsWeb,
    v3AppProtocol: "https",
    web: backends.ports.api,
  });
  const { content } = compileTable(state, defaultCompileOptions);
  const table = await sealTable(content, nextGeneration());
  expect(validateTable(JSON.parse(JSON.stringify(table))).ok).toBe(true);
  await storeTable(table);
}

interface Case {
  readonly host?: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

/** The backend that served (as the suite names it), or the status the edge answered with. */
async function send(request: Case, edge = startEdge()): Promise<string | number> {
  const response = await edge.send(`http://${request.host ?? "gateway.example"}${request.path}`, { method: request.method ?? "GET", headers: request.headers ?? {} });
  if (response.status !== 200) {
    await response.body?.cancel();
    return response.status;
  }
  if (request.method === "HEAD") return 200;
  const echo = await echoOf(response);
  return SERVICE_OF[echo.service] ?? echo.service;
}

async function expectServed(cases: readonly (readonly [Case, string | number])[]): Promise<void> {
  const edge = startEdge();
  const got: (string | number)[] = [];
  for (const [request] of cases) got.push(await send(request, edge));
  expect(cases.map(([request], i) => [request, got[i]])).toEqual(cases.map(([request, expected]) => [request, expected]));
}

const V1 = "infra-backend-v1";
const V2 = "infra-backend-v2";
const V3 = "infra-backend-v3";

describe("Gateway API HTTPRoute conformance, through the edge", () => {
  describe("HTTPRouteMatching", () => {
    beforeAll(() => serve(suite.matching));
    it("routes by path and header", () => expectServed([
      [{ path: "/" }, V1], [{ path: "/example" }, V1], [{ path: "/", headers: { version: "one" } }, V1],
      [{ path: "/v2" }, V2], [{ path: "/v2/example" }, V2], [{ path: "/", headers: { version: "two" } }, V2],
    ]));
  });

  describe("HTTPRouteMatchingAcrossRoutes", () => {
    beforeAll(() => serve(suite.matchingAcrossRoutes));
    it("orders the matches of several routes as one", () => expectServed([
      [{ host: "example.com", path: "/" }, V1], [{ host: "example.com", path: "/example" }, V1], [{ host: "example.net", path: "/example" }, V1],
      [{ host: "example.com", path: "/example", headers: { version: "one" } }, V1], [{ host: "example.com", path: "/v2" }, V2],
      [{ host: "example.net", path: "/v2" }, V1], [{ host: "example.com", path: "/v2/example" }, V2], [{ host: "example.com", path: "/", headers: { version: "two" } }, V2],
    ]));
  });

  describe("HTTPRouteExactPathMatching and HTTPRoutePathMatchOrder", () => {
    it("matches Exact paths exactly", async () => {
      await serve(suite.exactPathMatching);
      await expectServed([[{ path: "/one" }, V1], [{ path: "/two" }, V2], [{ path: "/one/example" }, 404], [{ path: "/two/" }, 404]]);
    });
    it("prefers Exact, then the longest prefix", async () => {
      await serve(suite.pathMatchOrder);
      await expectServed([
        [{ path: "/match/exact/one" }, V3], [{ path: "/match/exact" }, V2], [{ path: "/match" }, V1],
        [{ path: "/match/prefix/one/any" }, V2], [{ path: "/match/prefix/any" }, V1], [{ path: "/match/any" }, V3],
      ]);
    });
  });

  describe("HTTPRouteHeaderMatching", () => {
    beforeAll(() => serve(suite.headerMatching));
    it("matches header values exactly, names without case", () => expectServed([
      [{ path: "/", headers: { Version: "one" } }, V1], [{ path: "/", headers: { Version: "two" } }, V2],
      [{ path: "/", headers: { Version: "two", Color: "orange" } }, V1], [{ path: "/", headers: { Version: "two", Color: "blue" } }, V2],
      [{ path: "/", headers: { Color: "orange" } }, 404], [{ path: "/", headers: { "Some-Other-Header": "one" } }, 404],
      [{ path: "/", headers: { Color: "blue" } }, V1], [{ path: "/", headers: { Color: "green" } }, V1],
      [{ path: "/", headers: { Color: "red" } }, V2], [{ path: "/", headers: { Color: "yellow" } }, V2], [{ path: "/", headers: { Color: "purple" } }, 404],
    ]));
  });

  describe("HTTPRouteQueryParamMatching", () => {
    beforeAll(() => serve(suite.queryParamMatching));
    it("matches query parameters exactly, in precedence with paths and headers", () => expectServed([
      [{ path: "/?animal=whale" }, V1], [{ path: "/?animal=dolphin" }, V2], [{ path: "/?animal=dolphin&color=blue" }, V3],
      [{ path: "/?ANIMAL=Whale" }, V3], [{ path: "/?animal=whale&otherparam=irrelevant" }, V1], [{ path: "/?animal=dolphin&color=yellow" }, V2],
      [{ path: "/?color=blue" }, 404], [{ path: "/?animal=dog" }, 404], [{ path: "/?animal=whaledolphin" }, 404], [{ path: "/" }, 404],
      [{ path: "/path1?animal=whale" }, V1], [{ path: "/?animal=whale", headers: { version: "one" } }, V2],
      [{ path: "/path2?animal=whale", headers: { version: "two" } }, V3], [{ path: "/path3?animal=shark" }, V1],
      [{ path: "/path4?animal=kraken", headers: { version: "three" } }, V1], [{ path: "/?animal=shark" }, 404],
      [{ path: "/path4?animal=kraken" }, 404], [{ path: "/path5?animal=hydra" }, V1], [{ path: "/?animal=hydra", headers: { version: "four" } }, V3],
    ]));
  });

  describe("HTTPRouteMethodMatching", () => {
    beforeAll(() => serve(suite.methodMatching));
    it("matches the method, in precedence with paths and headers", () => expectServed([
      [{ path: "/", method: "POST" }, V1], [{ path: "/", method: "GET" }, V2], [{ path: "/", method: "HEAD" }, 404],
      [{ path: "/path1", method: "GET" }, V1], [{ path: "/", method: "PUT", headers: { version: "one" } }, V2],
      [{ path: "/path2", method: "POST", headers: { version: "two" } }, V3], [{ path: "/path3", method: "PATCH" }, V1],
      [{ path: "/path4", method: "DELETE", headers: { version: "three" } }, V1], [{ path: "/", method: "PUT" }, 404],
      [{ path: "/path4", method: "DELETE" }, 404], [{ path: "/path5", method: "PATCH" }, V1], [{ path: "/", method: "PATCH", headers: { version: "four" } }, V2],
    ]));
  });

  describe("HTTPRouteHostnameIntersection and HTTPRouteListenerHostnameMatching", () => {
    it("serves a route on the hostnames it shares with a listener, a wildcard at any depth", async () => {
      await serve(suite.hostnameIntersection);
      await expectServed([
        [{ host: "very.specific.com", path: "/s1" }, V1], [{ host: "very.specific.com:1234", path: "/s1" }, V1], [{ host: "foo.wildcard.io", path: "/s1" }, 404],
        [{ host: "foo.bar.wildcard.io", path: "/s2" }, V2], [{ host: "wildcard.io", path: "/s2" }, 404],
        [{ host: "very.specific.com", path: "/s3" }, V3], [{ host: "foo.specific.com", path: "/s3" }, 404],
        [{ host: "foo.bar.anotherwildcard.io", path: "/s4" }, V1], [{ host: "anotherwildcard.io", path: "/s4" }, 404],
      ]);
    });
    it("routes by the listener a host matches", async () => {
      await serve(suite.listenerHostnameMatching);
      await expectServed([
        [{ host: "bar.com", path: "/" }, V1], [{ host: "foo.bar.com", path: "/" }, V2], [{ host: "baz.bar.com", path: "/" }, V3],
        [{ host: "boo.bar.com", path: "/" }, V3], [{ host: "multiple.prefixes.bar.com", path: "/" }, V3],
        [{ host: "multiple.prefixes.foo.com", path: "/" }, V3], [{ host: "foo.com", path: "/" }, 404], [{ host: "no.matching.host", path: "/" }, 404],
      ]);
    });
  });

  describe("HTTPRouteHTTPSListener", () => {
    beforeAll(() => serve(suite.httpsListener));
    it("serves a route attached to HTTPS listeners over https only, each on the hostnames it shares with them", async () => {
      const via = async (url: string) => {
        const response = await startEdge().send(url);
        if (response.status !== 200) return response.status;
        return SERVICE_OF[(await echoOf(response)).service] ?? "?";
      };
      expect(await via("https://example.org/")).toBe(V1);
      expect(await via("https://second-example.org/")).toBe(V2);
      expect(await via("http://example.org/")).toBe(404);
      expect(await via("http://second-example.org/")).toBe(404);
    });
  });

  describe("invalid references (HTTPRouteInvalidNonExistentBackendRef, -UnknownKind, -CrossNamespaceBackendRef, HTTPRoutePartiallyInvalidViaInvalidReferenceGrant)", () => {
    it("answers 500 for a backend that does not exist", async () => {
      await serve(suite.invalidNonexistentBackendref);
      expect(await send({ path: "/" })).toBe(500);
    });
    it("answers 500 for a backend of an unknown kind", async () => {
      await serve(suite.invalidBackendrefUnknownKind);
      expect(await send({ path: "/v2" })).toBe(500);
    });
    it("answers 500 for another namespace's Service without a ReferenceGrant, and serves it with one", async () => {
      await serve(suite.invalidCrossNamespaceBackendRef);
      expect(await send({ path: "/" })).toBe(500);
      await serve(suite.referenceGrant);
      expect(await send({ path: "/" })).toBe(V2);
    });
    it("answers 500 only for the rule whose reference is not granted", async () => {
      await serve(suite.partiallyInvalidViaInvalidReferenceGrant);
      await expectServed([[{ path: "/v2" }, 500], [{ path: "/" }, V1]]);
    });
  });

  describe("HTTPRouteWeight", () => {
    beforeAll(() => serve(suite.weight));
    it("sends each backend its weight's share and none to a weight of 0", async () => {
      const draws = [0.05, 0.35, 0.69, 0.7, 0.99];
      const seen: (string | number)[] = [];
      for (const draw of draws) seen.push(await send({ path: "/" }, startEdge({}, { random: () => draw })));
      expect(seen).toEqual([V1, V1, V1, V2, V2]);
    });
  });

  describe("HTTPRouteRequestHeaderModifier", () => {
    beforeAll(() => serve(suite.requestHeaderModifier));
    const seen = async (path: string, headers: Record<string, string>) => (await echoOf(await startEdge().send(`http://gateway.example${path}`, { headers }))).headers;
    it("sets, adds and removes the headers the backend receives", async () => {
      expect(await seen("/set", { "Some-Other-Header": "val" })).toMatchObject({ "some-other-header": "val", "x-header-set": "set-overwrites-values" });
      expect(await seen("/set", { "X-Header-Set": "some-other-value" })).toMatchObject({ "x-header-set": "set-overwrites-values" });
      expect(await seen("/add", { "X-Header-Add": "some-other-value" })).toMatchObject({ "x-header-add": "some-other-value, add-appends-values" });
      expect(await seen("/remove", { "X-Header-Remove": "val" })).not.toHaveProperty("x-header-remove");
      const multiple = await seen("/multiple", { "X-Header-Set-2": "set-val-2", "X-Header-Add-2": "add-val-2", "X-Header-Remove-2": "remove-val-2" });
      expect(multiple).toMatchObject({ "x-header-set-1": "header-set-1", "x-header-set-2": "header-set-2", "x-header-add-1": "header-add-1", "x-header-add-2": "add-val-2, header-add-2" });
      expect(multiple).not.toHaveProperty("x-header-remove-2");
    });
  });

  describe("HTTPRouteResponseHeaderModifier (on the echo backends' own response headers)", () => {
    beforeAll(() => serve(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: response-header-modifier, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
  - filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{ name: X-Backend-Node, value: set-overwrites-values }]
        add: [{ name: Content-Type, value: added }, { name: X-Header-Add, value: add-appends-values }]
        remove: [x-backend-private-missing, Keep-Alive]
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]`));
    it("sets, adds and removes the headers the client receives", async () => {
      const response = await startEdge().send("http://gateway.example/");
      await response.text();
      expect(response.headers.get("x-backend-node")).toBe("set-overwrites-values");
      expect(response.headers.get("content-type")).toBe("application/json, added");
      expect(response.headers.get("x-header-add")).toBe("add-appends-values");
      expect(response.headers.has("keep-alive")).toBe(false);
    });
  });

  describe("session persistence (HTTPRoute rule sessionPersistence, type Cookie)", () => {
    beforeAll(() => serve(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: session-persistence, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /persistent } }]
    sessionPersistence: { sessionName: gw-session, absoluteTimeout: 1h, cookieConfig: { lifetimeType: Permanent } }
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /split } }]
    sessionPersistence: { sessionName: gw-session }
    backendRefs: [{ name: infra-backend-v1, port: 8080, weight: 1 }, { name: infra-backend-v2, port: 8080, weight: 1 }]`));
    const sessionCookie = (response: Response): string | undefined => response.headers.getAll("set-cookie").find((cookie: string) => cookie.startsWith("gw-session="));

    it("issues the named cookie, permanent for absoluteTimeout, and spreads clients without it over the Nodes", async () => {
      const edge = startEdge();
      const nodes = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const response = await edge.send("http://gateway.example/persistent");
        expect(sessionCookie(response)).toMatch(/^gw-session=[A-Za-z0-9_-]{22}; Path=\/; Max-Age=3600; HttpOnly$/);
        nodes.add((await echoOf(response)).node);
      }
      expect(nodes.size).toBeGreaterThan(1);
    });

    it("serves a client that sends the cookie back from the same Node, at another edge location too", async () => {
      const first = await startEdge().send("http://gateway.example/persistent");
      const value = /^gw-session=([^;]*)/.exec(sessionCookie(first) ?? "")?.[1] ?? "";
      const node = (await echoOf(first)).node;
      const seen: string[] = [];
      for (const edge of [startEdge(), startEdge()]) {
        for (let i = 0; i < 10; i++) {
          const response = await edge.send("http://gateway.example/persistent/next", { headers: { cookie: `gw-session=${value}` } });
          expect(sessionCookie(response)).toBeUndefined();
          seen.push((await echoOf(response)).node);
        }
      }
      expect(new Set(seen)).toEqual(new Set([node]));
    });

    it("keeps a session on one backend of a weighted split, and on one Node of it", async () => {
      const edge = startEdge();
      const drawn = new Set<string>();
      let cookie = "";
      let first = "";
      for (let i = 0; i < 20; i++) {
        const response = await edge.send("http://gateway.example/split");
        const echo = await echoOf(response);
        drawn.add(SERVICE_OF[echo.service] ?? echo.service);
        if (i === 0) {
          cookie = /^gw-session=([^;]*)/.exec(sessionCookie(response) ?? "")?.[1] ?? "";
          first = `${SERVICE_OF[echo.service] ?? echo.service} ${echo.node}`;
        }
      }
      expect(drawn).toEqual(new Set([V1, V2]));
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const response = await edge.send("http://gateway.example/split", { headers: { cookie: `gw-session=${cookie}` } });
        expect(sessionCookie(response)).toBeUndefined();
        const echo = await echoOf(response);
        seen.add(`${SERVICE_OF[echo.service] ?? echo.service} ${echo.node}`);
      }
      expect(seen).toEqual(new Set([first]));
    });
  });

  describe("redirects (HTTPRouteRedirectHostAndStatus, -Path, -Port, -Scheme)", () => {
    const location = async (path: string, scheme = "http") => {
      const response = await startEdge().send(`${scheme}://gateway.example${path}`, { redirect: "manual" });
      await response.body?.cancel();
      return [response.status, response.headers.get("location")];
    };
    it("redirects host and status", async () => {
      await serve(suite.redirectHostAndStatus);
      expect(await location("/hostname-redirect")).toEqual([302, "http://example.org/hostname-redirect"]);
      expect(await location("/host-and-status")).toEqual([301, "http://example.org/host-and-status"]);
    });
    it("replaces the path or its matched prefix", async () => {
      await serve(suite.redirectPath);
      expect(await location("/original-prefix/lemon")).toEqual([302, "http://gateway.example/replacement-prefix/lemon"]);
      expect(await location("/full/path/original")).toEqual([302, "http://gateway.example/full-path-replacement"]);
      expect(await location("/path-and-host")).toEqual([302, "http://example.org/replacement-prefix"]);
      expect(await location("/path-and-status")).toEqual([301, "http://gateway.example/replacement-prefix"]);
    });
    it("writes the port only when it is not the scheme's own", async () => {
      await serve(suite.redirectPort);
      expect(await location("/port")).toEqual([302, "http://gateway.example:8083/port"]);
      expect(await location("/port-and-host")).toEqual([302, "http://example.org:8083/port-and-host"]);
      expect(await location("/port-and-status")).toEqual([301, "http://gateway.example:8083/port-and-status"]);
      expect(await location("/port-and-host-and-status")).toEqual([302, "http://example.org:8083/port-and-host-and-status"]);
    });
    it("changes the scheme", async () => {
      await serve(suite.redirectScheme);
      expect(await location("/scheme")).toEqual([302, "https://gateway.example/scheme"]);
      expect(await location("/scheme-and-host")).toEqual([302, "https://example.org/scheme-and-host"]);
      expect(await location("/scheme-and-status")).toEqual([301, "https://gateway.example/scheme-and-status"]);
      expect(await location("/scheme-and-host-and-status")).toEqual([302, "https://example.org/scheme-and-host-and-status"]);
    });
  });

  describe("rewrites (HTTPRouteRewritePath, HTTPRouteRewriteHost)", () => {
    const seen = async (url: string, vars = {}) => echoOf(await startEdge(vars).send(url, { headers: { "X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1", "X-Header-Set": "set-val" } }));
    it("gives the backend the rewritten path, the query kept", async () => {
      await serve(suite.rewritePath);
      expect((await seen("http://gateway.example/prefix/one/two")).url).toBe("/one/two");
      expect((await seen("http://gateway.example/strip-prefix/three")).url).toBe("/three");
      expect((await seen("http://gateway.example/strip-prefix")).url).toBe("/");
      expect((await seen("http://gateway.example/full/one/two?q=1")).url).toBe("/one?q=1");
      const modified = await seen("http://gateway.example/full/rewrite-path-and-modify-headers/test");
      expect(modified.url).toBe("/test");
      expect(modified.headers).toMatchObject({ "x-header-add": "header-val-1", "x-header-add-append": "append-val-1, header-val-2", "x-header-set": "set-overwrites-values" });
      expect(modified.headers).not.toHaveProperty("x-header-remove");
      expect((await seen("http://gateway.example/prefix/rewrite-path-and-modify-headers/one")).url).toBe("/prefix/one");
    });
    it("tells the backend the rewritten host (X-Forwarded-Host under the fetch transport, Host under the socket one)", async () => {
      await serve(suite.rewriteHost);
      const one = await seen("http://rewrite.example/one");
      expect([one.service, one.headers["x-forwarded-host"]]).toEqual(["web", "one.example.org"]);
      expect((await seen("http://rewrite.example/two")).headers["x-forwarded-host"]).toBe("example.org");
      const socket = await seen("http://rewrite.example/rewrite-host-and-modify-headers", { EDGE_TRANSPORT: "socket" });
      expect([socket.service, socket.headers.host, socket.headers["x-header-set"]]).toEqual(["api", "test.example.org", "set-overwrites-values"]);
    });
  });
});
