import { describe, expect, it } from "vitest";
import { compileTable } from "../../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../../core/compile/compile-options.ts";
import type { Condition } from "../../../../core/compile/gateway/gateway-status.ts";
import { compileRoutes, matchRequest, type RouteRequest } from "../../../../core/match/match-request.ts";
import { sealTable } from "../../../../core/table/hash-table.ts";
import { validateTable } from "../../../../core/table/validate-table.ts";
import { cluster, ingress, service, slice } from "../../../support/cluster-builder.ts";
import { conformanceCluster, type ConformancePorts } from "../../../support/gateway-conformance/base-cluster.ts";
import * as suite from "../../../support/gateway-conformance/conformance-manifests.ts";

const ports: ConformancePorts = { nodes: [{ name: "node-a", address: "127.0.0.2" }], v1: 30001, v2: 30002, v3: 30003, web: 30004 };

async function compile(manifests: string, extra: { ingresses?: ReturnType<typeof ingress>[] } = {}) {
  const state = conformanceCluster(manifests, ports);
  const result = compileTable({ ...state, ingresses: extra.ingresses ?? [] }, defaultCompileOptions);
  const table = await sealTable(result.content, 1);
  const checked = validateTable(JSON.parse(JSON.stringify(table)));
  expect(checked).toMatchObject({ ok: true });
  const routes = compileRoutes(table);
  const send = (request: Partial<RouteRequest> & { host: string; path: string }) => matchRequest(routes, { scheme: "http", ...request });
  const parents = (key: string) => result.gateway.routes.find((r) => r.key === key)?.parents ?? [];
  const condition = (key: string, type: string): Pick<Condition, "status" | "reason"> | undefined => {
    const found = parents(key)[0]?.conditions.find((c) => c.type === type);
    return found === undefined ? undefined : { status: found.status, reason: found.reason };
  };
  return { result, table, send, parents, condition };
}

/** Which conformance backend served: the Service name of the chosen backend, or the status of an answer. */
function served(decision: ReturnType<Awaited<ReturnType<typeof compile>>["send"]>): string | number {
  if (decision.kind === "route") return decision.hit.backend.id.split(/[/:]/)[1] ?? "?";
  if (decision.kind === "answer") return decision.status;
  return decision.kind === "none" ? 404 : decision.kind;
}

describe("Gateway API objects compiled into the routing table", () => {
  it("accepts the edge's GatewayClass and its Gateways, and leaves other controllers' alone", async () => {
    const { result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: other }
spec: { controllerName: example.com/other }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: theirs, namespace: gateway-conformance-infra }
spec: { gatewayClassName: other, listeners: [{ name: http, port: 80, protocol: HTTP }] }`);
    expect(result.gateway.classes.map((c) => [c.name, c.conditions.map((x) => `${x.type}=${x.status}`)])).toEqual([["edge", ["Accepted=True", "SupportedVersion=True"]]]);
    expect(result.gateway.gateways.map((g) => g.key)).toEqual([
      "gateway-conformance-infra/all-namespaces", "gateway-conformance-infra/backend-namespaces", "gateway-conformance-infra/same-namespace", "gateway-conformance-infra/same-namespace-with-https-listener",
    ]);
  });

  it("keeps an Ingress-only cluster's table byte for byte (no Gateway API kinds installed)", async () => {
    const plain = cluster({ services: [service("shop/web", [{ port: 80, nodePort: 30080 }])], endpointSlices: [slice("shop/web", [{ node: "node-a" }])], ingresses: [ingress("shop/web", [{ host: "shop.test", service: "web", port: 80 }])] });
    const withNone = { ...plain, gatewayClasses: [], gateways: [], httpRoutes: [], referenceGrants: [], namespaces: [] };
    expect(JSON.stringify(compileTable(withNone, defaultCompileOptions).content)).toBe(JSON.stringify(compileTable(plain, defaultCompileOptions).content));
    expect(JSON.stringify(compileTable(plain, defaultCompileOptions).content)).not.toMatch(/"match"|"split"|HTTPRoute/);
  });

  it("reports listeners the edge cannot serve, and a conflict, on the Gateway and its listeners", async () => {
    const { result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: odd, namespace: gateway-conformance-infra }
spec:
  gatewayClassName: edge
  listeners:
  - { name: web, port: 80, protocol: HTTP, hostname: a.example }
  - { name: again, port: 80, protocol: HTTP, hostname: a.example }
  - { name: alt, port: 8080, protocol: HTTP }
  - { name: tcp, port: 443, protocol: TCP }
  - { name: secure, port: 443, protocol: HTTPS, hostname: a.example, tls: { certificateRefs: [{ name: cert, namespace: elsewhere }] } }`);
    const gateway = result.gateway.gateways.find((g) => g.key === "gateway-conformance-infra/odd");
    const summary = gateway?.listeners.map((l) => [l.name, ...l.conditions.filter((c) => c.status === (c.type === "Conflicted" ? "True" : "False")).map((c) => `${c.type}:${c.reason}`)]);
    expect(summary).toEqual([
      ["web"],
      ["again", "Programmed:Invalid", "Conflicted:HostnameConflict"],
      ["alt", "Accepted:PortUnavailable", "Programmed:Invalid"],
      ["tcp", "Accepted:UnsupportedProtocol", "Programmed:Invalid"],
      ["secure", "Programmed:Invalid", "ResolvedRefs:RefNotPermitted"],
    ]);
    expect(gateway?.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(["Accepted=True", "Programmed=True"]);
    expect(result.content.problems.filter((p) => p.kind === "Gateway").map((p) => p.reason)).toHaveLength(4);
  });

  it("lists the certificates of served HTTPS listeners for the edge, with their hostnames, and their hosts as TLS hosts", async () => {
    const { result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: secure, namespace: gateway-conformance-infra }
spec:
  gatewayClassName: edge
  listeners:
  - { name: a, port: 443, protocol: HTTPS, hostname: a.example, tls: { certificateRefs: [{ name: shared }] } }
  - { name: b, port: 443, protocol: HTTPS, hostname: "*.b.example", tls: { certificateRefs: [{ name: shared }] } }
  - { name: c, port: 443, protocol: HTTPS, tls: { certificateRefs: [{ name: own }] } }
  - { name: d, port: 443, protocol: HTTPS, hostname: d.example, tls: { certificateRefs: [{ name: foreign, namespace: elsewhere }] } }`);
    // The base's own HTTPS Gateway (same-namespace-with-https-listener) is served too.
    expect(result.gateway.certificates).toEqual([
      { secret: "gateway-conformance-infra/own", hosts: [] },
      { secret: "gateway-conformance-infra/shared", hosts: ["*.b.example", "a.example"] },
      { secret: "gateway-conformance-infra/tls-validity-checks-certificate", hosts: ["*.wildcard.org", "fourth-example.wildcard.org", "second-example.org"] },
    ]);
    expect(result.content.tls.map((t) => t.host)).toEqual(["*.b.example", "*.wildcard.org", "a.example", "fourth-example.wildcard.org", "second-example.org"]);
    expect(result.content.tls.every((t) => !t.redirect)).toBe(true);
  });

  describe("the conformance suite's routes", () => {
    it("HTTPRouteSimpleSameNamespace: attached, served on any host", async () => {
      const { send, condition, result } = await compile(suite.simpleSameNamespace);
      expect(condition("gateway-conformance-infra/gateway-conformance-infra-test", "Accepted")).toEqual({ status: "True", reason: "Accepted" });
      expect(served(send({ host: "anything.example", path: "/" }))).toBe("infra-backend-v1");
      expect(result.gateway.gateways.find((g) => g.key.endsWith("/same-namespace"))?.listeners[0]?.attachedRoutes).toBe(1);
    });

    it("HTTPRouteInvalidNonExistentBackendRef: ResolvedRefs False BackendNotFound, and a 500", async () => {
      const { send, condition } = await compile(suite.invalidNonexistentBackendref);
      expect(condition("gateway-conformance-infra/invalid-nonexistent-backend-ref", "ResolvedRefs")).toEqual({ status: "False", reason: "BackendNotFound" });
      expect(served(send({ host: "x", path: "/" }))).toBe(500);
    });

    it("HTTPRouteInvalidBackendRefUnknownKind: ResolvedRefs False InvalidKind, and a 500", async () => {
      const { send, condition } = await compile(suite.invalidBackendrefUnknownKind);
      expect(condition("gateway-conformance-infra/invalid-backend-ref-unknown-kind", "ResolvedRefs")).toEqual({ status: "False", reason: "InvalidKind" });
      expect(served(send({ host: "x", path: "/v2" }))).toBe(500);
    });

    it("HTTPRouteInvalidCrossNamespaceBackendRef: RefNotPermitted, and a 500", async () => {
      const { send, condition } = await compile(suite.invalidCrossNamespaceBackendRef);
      expect(condition("gateway-conformance-infra/invalid-cross-namespace-backend-ref", "ResolvedRefs")).toEqual({ status: "False", reason: "RefNotPermitted" });
      expect(condition("gateway-conformance-infra/invalid-cross-namespace-backend-ref", "Accepted")).toEqual({ status: "True", reason: "Accepted" });
      expect(served(send({ host: "x", path: "/" }))).toBe(500);
    });

    it("HTTPRouteReferenceGrant: a ReferenceGrant lets the route reach another namespace's Service", async () => {
      const { send, condition } = await compile(suite.referenceGrant);
      expect(condition("gateway-conformance-infra/reference-grant", "ResolvedRefs")).toEqual({ status: "True", reason: "ResolvedRefs" });
      expect(served(send({ host: "x", path: "/" }))).toBe("web-backend");
    });

    it("HTTPRouteInvalidReferenceGrant: grants that do not cover the Service permit nothing", async () => {
      const { send, condition } = await compile(suite.invalidReferenceGrant);
      expect(condition("gateway-conformance-infra/reference-grant", "ResolvedRefs")).toEqual({ status: "False", reason: "RefNotPermitted" });
      expect(served(send({ host: "x", path: "/" }))).toBe(500);
    });

    it("HTTPRoutePartiallyInvalidViaInvalidReferenceGrant: the invalid rule answers 500, the valid one serves", async () => {
      const { send, condition } = await compile(suite.partiallyInvalidViaInvalidReferenceGrant);
      expect(condition("gateway-conformance-infra/invalid-reference-grant", "ResolvedRefs")).toEqual({ status: "False", reason: "RefNotPermitted" });
      expect(served(send({ host: "x", path: "/v2" }))).toBe(500);
      expect(served(send({ host: "x", path: "/" }))).toBe("app-backend-v1");
    });

    it("HTTPRouteCrossNamespace: a Gateway that allows the namespace by selector takes the route", async () => {
      const { send, condition } = await compile(suite.crossNamespace);
      expect(condition("gateway-conformance-web-backend/cross-namespace", "Accepted")).toEqual({ status: "True", reason: "Accepted" });
      expect(served(send({ host: "x", path: "/" }))).toBe("web-backend");
    });

    it("HTTPRouteInvalidCrossNamespaceParentRef: NotAllowedByListeners, nothing served", async () => {
      const { send, condition } = await compile(suite.invalidCrossNamespaceParentRef);
      expect(condition("gateway-conformance-web-backend/invalid-cross-namespace-parent-ref", "Accepted")).toEqual({ status: "False", reason: "NotAllowedByListeners" });
      expect(served(send({ host: "x", path: "/" }))).toBe(404);
    });

    it("HTTPRouteDisallowedKind: a listener for TLSRoutes only does not take an HTTPRoute", async () => {
      const { send, condition, result } = await compile(suite.disallowedKind);
      expect(condition("gateway-conformance-infra/disallowed-kind", "Accepted")).toEqual({ status: "False", reason: "NotAllowedByListeners" });
      expect(result.gateway.gateways.find((g) => g.key.endsWith("/tlsroutes-only"))?.listeners[0]?.conditions.find((c) => c.type === "ResolvedRefs")?.reason).toBe("InvalidRouteKinds");
      expect(served(send({ host: "x", path: "/disallowed-kind" }))).toBe(404);
    });

    it.each([
      ["HTTPRouteInvalidParentRefNotMatchingListenerPort", suite.invalidParentrefNotMatchingListenerPort, "httproute-listener-not-matching-route-port"],
      ["HTTPRouteInvalidParentRefNotMatchingSectionName", suite.invalidParentrefNotMatchingSectionName, "httproute-listener-not-matching-section-name"],
    ])("%s: NoMatchingParent", async (_name, manifests, route) => {
      const { condition } = await compile(manifests);
      expect(condition(`gateway-conformance-infra/${route}`, "Accepted")).toEqual({ status: "False", reason: "NoMatchingParent" });
    });

    it("HTTPRouteHostnameIntersection: routes on the hosts they share with a listener; none is NoMatchingListenerHostname", async () => {
      const { send, condition } = await compile(suite.hostnameIntersection);
      expect(condition("gateway-conformance-infra/no-intersecting-hosts", "Accepted")).toEqual({ status: "False", reason: "NoMatchingListenerHostname" });
      const cases: [string, string, string | number][] = [
        ["very.specific.com", "/s1", "infra-backend-v1"], ["very.specific.com:1234", "/s1", "infra-backend-v1"],
        ["non.matching.com", "/s1", 404], ["foo.nonmatchingwildcard.io", "/s1", 404], ["foo.wildcard.io", "/s1", 404],
        ["foo.wildcard.io", "/s2", "infra-backend-v2"], ["foo.bar.wildcard.io", "/s2", "infra-backend-v2"], ["wildcard.io", "/s2", 404], ["very.specific.com", "/s2", 404],
        ["very.specific.com", "/s3", "infra-backend-v3"], ["foo.specific.com", "/s3", 404],
        ["foo.anotherwildcard.io", "/s4", "infra-backend-v1"], ["foo.bar.anotherwildcard.io", "/s4", "infra-backend-v1"], ["anotherwildcard.io", "/s4", 404],
        ["specific.but.wrong.com", "/s5", 404], ["wildcard.io", "/s5", 404],
        ["sub.first.com", "/", "infra-backend-v2"], ["third.com", "/", 404],
      ];
      expect(cases.map(([host, path]) => [host, path, served(send({ host, path }))])).toEqual(cases);
    });
  });

  describe("the conformance suite's listener and status tests", () => {
    it("HTTPRouteListenerPortMatching: the port 80 listener serves its route; listeners on 8080 and 8090 are PortUnavailable, so the routes naming those ports attach nowhere and a Host naming port 8080 reaches the port 80 route (the edge has one port per scheme)", async () => {
      const { send, condition, result } = await compile(suite.listenerPortMatching);
      const gateway = result.gateway.gateways.find((g) => g.key === "gateway-conformance-infra/httproute-listener-port-matching");
      expect(gateway?.listeners.map((l) => [l.name, l.conditions.find((c) => c.type === "Accepted")?.reason, l.attachedRoutes])).toEqual([
        ["listener-1", "Accepted", 1], ["listener-2", "PortUnavailable", 0], ["listener-3", "PortUnavailable", 0], ["listener-4", "PortUnavailable", 0], ["listener-5", "PortUnavailable", 0],
      ]);
      expect(condition("gateway-conformance-infra/backend-v1", "Accepted")).toEqual({ status: "True", reason: "Accepted" });
      expect(condition("gateway-conformance-infra/backend-v1", "ResolvedRefs")).toEqual({ status: "True", reason: "ResolvedRefs" });
      expect(condition("gateway-conformance-infra/backend-v2", "Accepted")?.status).toBe("False");
      expect(condition("gateway-conformance-infra/backend-v3", "Accepted")?.status).toBe("False");
      expect(["foo.com", "foo.com:8080", "bar.com"].map((host) => [host, served(send({ host, path: "/" }))])).toEqual([
        ["foo.com", "infra-backend-v1"], ["foo.com:8080", "infra-backend-v1"], ["bar.com", 404],
      ]);
    });

    it("HTTPRouteObservedGenerationBump: a changed spec is judged at its new generation, Accepted and ResolvedRefs, and served from its new backend", async () => {
      const before = await compile(suite.observedGenerationBump.replace("namespace: gateway-conformance-infra", "namespace: gateway-conformance-infra\n  generation: 1"));
      const after = await compile(suite.observedGenerationBump.replace("namespace: gateway-conformance-infra", "namespace: gateway-conformance-infra\n  generation: 2").replace("infra-backend-v1", "infra-backend-v2"));
      const key = "gateway-conformance-infra/observed-generation-bump";
      const verdict = (compiled: typeof before) => {
        const route = compiled.result.gateway.routes.find((r) => r.key === key);
        return [route?.generation, route?.parents[0]?.conditions.map((c) => `${c.type}=${c.status}`), served(compiled.send({ host: "x", path: "/" }))];
      };
      expect([verdict(before), verdict(after)]).toEqual([
        [1, ["Accepted=True", "ResolvedRefs=True"], "infra-backend-v1"],
        [2, ["Accepted=True", "ResolvedRefs=True"], "infra-backend-v2"],
      ]);
    });

    it("GatewayWithAttachedRoutes: attachedRoutes counts the routes a listener takes, a route without a common hostname is NoMatchingListenerHostname, and a route with an unresolved backend still counts", async () => {
      const { condition, result } = await compile(suite.gatewayWithAttachedRoutes);
      const listeners = (name: string) => result.gateway.gateways.find((g) => g.key === `gateway-conformance-infra/${name}`)?.listeners.map((l) => ({
        name: l.name, attachedRoutes: l.attachedRoutes, supportedKinds: l.supportedKinds, conditions: Object.fromEntries(l.conditions.map((c) => [c.type, c.status])),
      }));
      const kinds = [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }];
      expect(listeners("gateway-with-one-attached-route")).toEqual([{ name: "http", attachedRoutes: 1, supportedKinds: kinds, conditions: expect.objectContaining({ Accepted: "True", ResolvedRefs: "True" }) }]);
      expect(listeners("gateway-with-two-attached-routes")).toEqual([{ name: "http", attachedRoutes: 2, supportedKinds: kinds, conditions: expect.objectContaining({ Accepted: "True", ResolvedRefs: "True" }) }]);
      expect(condition("gateway-conformance-infra/http-route-not-accepted", "Accepted")).toEqual({ status: "False", reason: "NoMatchingListenerHostname" });
      // The suite also wants this listener ResolvedRefs and Programmed False: its certificateRef names a Secret that
      // does not exist, and the compiler sees no Secrets (the agent reads them only to upload): not yet checked.
      expect(listeners("unresolved-gateway-with-one-attached-unresolved-route")?.map((l) => l.attachedRoutes)).toEqual([1]);
      expect(condition("gateway-conformance-infra/http-route-4", "ResolvedRefs")?.status).toBe("False");
    });
  });

  describe("Ingresses and routes on one host", () => {
    const route = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shared, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  hostnames: [shop.test]
  rules:
  - matches: [{ path: { type: PathPrefix, value: / } }]
    backendRefs: [{ name: infra-backend-v2, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /api } }]
    backendRefs: [{ name: infra-backend-v3, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /cart }, headers: [{ name: x-beta, value: "1" }] }]
    backendRefs: [{ name: infra-backend-v3, port: 8080 }]`;
    const shop = ingress("gateway-conformance-infra/shop", [{ host: "shop.test", path: "/", service: "infra-backend-v1", port: 8080 }, { host: "shop.test", path: "/cart", service: "infra-backend-v1", port: 8080 }]);

    it("match in one precedence order: path first, then conditions; an Ingress wins a full tie, and it is reported", async () => {
      const { send, result } = await compile(route, { ingresses: [shop] });
      expect(served(send({ host: "shop.test", path: "/" }))).toBe("infra-backend-v1");
      expect(served(send({ host: "shop.test", path: "/api/v1" }))).toBe("infra-backend-v3");
      expect(served(send({ host: "shop.test", path: "/cart" }))).toBe("infra-backend-v1");
      expect(served(send({ host: "shop.test", path: "/cart", header: (name) => (name === "x-beta" ? "1" : null) }))).toBe("infra-backend-v3");
      expect(result.content.problems).toContainEqual({ kind: "HTTPRoute", object: "gateway-conformance-infra/shared", reason: "shop.test / (Prefix) is served by gateway-conformance-infra/shop: an Ingress wins a tie with a route" });
    });
  });

  describe("filters and unsupported features", () => {
    it("answers 500 for a rule whose filter the edge cannot apply, and says why", async () => {
      const { send, result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: mirror, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
  - filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: infra-backend-v2, port: 8080 } } }]
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]`);
      expect(served(send({ host: "x", path: "/" }))).toBe(500);
      expect(result.content.problems).toContainEqual({ kind: "HTTPRoute", object: "gateway-conformance-infra/mirror", reason: "rule 0: filter RequestMirror is not supported at the edge" });
    });

    it("matches a RegularExpression path against the whole path (RE2), after Exact and before every prefix; reports a pattern RE2 refuses", async () => {
      const { send, result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: regex, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ path: { type: RegularExpression, value: "/v[0-9]+" } }]
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ path: { type: Exact, value: /v2 } }, { path: { type: PathPrefix, value: /v1 } }]
    backendRefs: [{ name: infra-backend-v2, port: 8080 }]
  - matches: [{ path: { type: RegularExpression, value: "/(a)\\\\1" } }]
    backendRefs: [{ name: infra-backend-v3, port: 8080 }]`);
      expect([["/v1"], ["/v2"], ["/v10"], ["/v1/x"], ["/vx"]].map(([path]) => served(send({ host: "x", path: path ?? "" })))).toEqual(["infra-backend-v1", "infra-backend-v2", "infra-backend-v1", "infra-backend-v2", 404]);
      expect(result.content.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/^rule 2 match 0: RegularExpression path "\/\(a\)\\\\1": the pattern is not one the edge's engine \(RE2\) takes/)]);
    });

    it("matches a RegularExpression header against its whole value; a query parameter pattern is reported and its match left out", async () => {
      const { send, result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: header-regex, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ headers: [{ type: RegularExpression, name: Version, value: "v[0-9]+" }] }]
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ queryParams: [{ type: RegularExpression, name: q, value: ".*" }] }]
    backendRefs: [{ name: infra-backend-v2, port: 8080 }]`);
      const header = (value: string) => (name: string) => (name === "version" ? value : null);
      expect([served(send({ host: "x", path: "/", header: header("v2") })), served(send({ host: "x", path: "/", header: header("v2x") }))]).toEqual(["infra-backend-v1", 404]);
      expect(result.content.problems.map((p) => p.reason)).toEqual(["rule 1 match 0: RegularExpression query parameter matches are not supported at the edge; match left out"]);
    });

    it("compiles Cookie sessionPersistence onto the rule's backend as signed-cookie affinity, apart from the Service's shared backend", async () => {
      const { send, table, result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: sticky, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /permanent } }]
    sessionPersistence: { sessionName: shop-session, absoluteTimeout: 1h30m500ms, cookieConfig: { lifetimeType: Permanent } }
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /session } }]
    sessionPersistence: { type: Cookie, cookie: { name: s2, path: /session } }
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /unnamed } }]
    sessionPersistence: {}
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /plain } }]
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]`);
      const affinities = Object.fromEntries(table.backends.map((b) => [b.id, b.affinity ?? null]));
      expect(affinities).toEqual({
        "gateway-conformance-infra/infra-backend-v1:8080": null,
        "gateway-conformance-infra/infra-backend-v1:8080@gateway-conformance-infra/sticky#0": { mode: "cookie", name: "shop-session", path: "/", maxAge: 5401 },
        "gateway-conformance-infra/infra-backend-v1:8080@gateway-conformance-infra/sticky#1": { mode: "cookie", name: "s2", path: "/session" },
        "gateway-conformance-infra/infra-backend-v1:8080@gateway-conformance-infra/sticky#2": { mode: "cookie", name: expect.stringMatching(/^edge-route-[0-9a-f]{8}$/), path: "/" },
      });
      const id = (path: string) => { const d = send({ host: "x", path }); return d.kind === "route" ? d.hit.backend.id : d.kind; };
      expect(["/permanent", "/session", "/plain"].map(id)).toEqual([
        "gateway-conformance-infra/infra-backend-v1:8080@gateway-conformance-infra/sticky#0",
        "gateway-conformance-infra/infra-backend-v1:8080@gateway-conformance-infra/sticky#1",
        "gateway-conformance-infra/infra-backend-v1:8080",
      ]);
      expect(result.content.problems).toEqual([]);
    });

    it("reports what of sessionPersistence the edge cannot honour, answers 500 for Header persistence, timeouts and retry, and gives a split's shares to the edge", async () => {
      const { send, result } = await compile(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: sticky, namespace: gateway-conformance-infra }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
  - matches: [{ path: { type: PathPrefix, value: /header } }]
    sessionPersistence: { type: Header, header: { name: X-Session } }
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /idle } }]
    sessionPersistence: { sessionName: idle, idleTimeout: 10m, absoluteTimeout: 1h }
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]
  - matches: [{ path: { type: PathPrefix, value: /split } }]
    sessionPersistence: { sessionName: split }
    backendRefs: [{ name: infra-backend-v1, port: 8080, weight: 1 }, { name: infra-backend-v2, port: 8080, weight: 1 }]
  - matches: [{ path: { type: PathPrefix, value: /timeouts } }]
    timeouts: { request: 10s }
    backendRefs: [{ name: infra-backend-v1, port: 8080 }]`);
      expect(["/header", "/idle", "/split", "/timeouts"].map((path) => served(send({ host: "x", path })))).toEqual([500, "infra-backend-v1", "infra-backend-v1", 500]);
      const split = send({ host: "x", path: "/split", random: () => 0.9 });
      expect(split.kind === "route" ? [split.hit.backend.id, split.shares?.map((share) => share.backend?.id)] : split.kind).toEqual([
        "gateway-conformance-infra/infra-backend-v2:8080@gateway-conformance-infra/sticky#2",
        ["gateway-conformance-infra/infra-backend-v1:8080@gateway-conformance-infra/sticky#2", "gateway-conformance-infra/infra-backend-v2:8080@gateway-conformance-infra/sticky#2"],
      ]);
      expect(result.content.problems.map((p) => p.reason)).toEqual([
        "rule 0: sessionPersistence type Header is not supported at the edge (only Cookie); requests are answered 500",
        "rule 1: sessionPersistence absoluteTimeout on a Session cookie is not enforced at the edge (only lifetimeType Permanent's Max-Age is)",
        "rule 1: sessionPersistence idleTimeout is not supported at the edge (the cookie carries no time); sessions end with the cookie",
        "rule 3: timeouts are not supported at the edge; requests are answered 500",
      ]);
    });

    it("HTTPRouteWeight: splits by weight, never to a weight of 0", async () => {
      const { send, table } = await compile(suite.weight);
      expect(table.hosts[0]?.rules[0]?.split).toEqual([
        { backend: "gateway-conformance-infra/infra-backend-v1:8080", weight: 70 },
        { backend: "gateway-conformance-infra/infra-backend-v2:8080", weight: 30 },
      ]);
      expect(served(send({ host: "x", path: "/", random: () => 0.69 }))).toBe("infra-backend-v1");
      expect(served(send({ host: "x", path: "/", random: () => 0.7 }))).toBe("infra-backend-v2");
    });
  });
});
