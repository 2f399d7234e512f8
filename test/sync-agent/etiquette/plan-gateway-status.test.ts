import { describe, expect, it } from "vitest";
import { condition, type GatewayVerdicts } from "../../../core/compile/gateway/gateway-status.ts";
import { planGatewayStatus } from "../../../sync-agent/etiquette/plan-gateway-status.ts";

const parentRef = { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "shop", name: "edge" };
const verdicts = (accepted: boolean): GatewayVerdicts => ({
  classes: [],
  gateways: [],
  routes: [{ key: "shop/api", generation: 2, parents: [{ parentRef, conditions: [condition("Accepted", accepted, accepted ? "Accepted" : "NotAllowedByListeners", "m")] }] }],
  certificates: [],
});
const t1 = new Date("2026-12-01T00:00:00Z");
const t2 = new Date("2026-12-02T00:00:00Z");

describe("planning Gateway API status", () => {
  const other = { parentRef: { name: "theirs" }, controllerName: "example.com/other", conditions: [] };
  const route = (status?: Record<string, unknown>) => ({ metadata: { namespace: "shop", name: "api", generation: 2, resourceVersion: "7" }, ...(status === undefined ? {} : { status }) });

  it("writes our parent's conditions with observedGeneration, keeping another controller's parents", () => {
    const [change] = planGatewayStatus({ httpRoutes: [route({ parents: [other] })] }, verdicts(true), "edge.example", t1);
    expect(change).toEqual({
      kind: "HTTPRoute", namespace: "shop", name: "api", resourceVersion: "7",
      status: { parents: [other, { parentRef, controllerName: "edge-ingress.dev/controller", conditions: [{ type: "Accepted", status: "True", observedGeneration: 2, lastTransitionTime: t1.toISOString(), reason: "Accepted", message: "m" }] }] },
    });
  });

  it("writes nothing when the status already says so, whatever the key order the API server returns", () => {
    const [first] = planGatewayStatus({ httpRoutes: [route()] }, verdicts(true), undefined, t1);
    const reordered = JSON.parse(JSON.stringify(first?.status, (_key, value: unknown) =>
      value !== null && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value)) as Record<string, unknown>;
    expect(planGatewayStatus({ httpRoutes: [route(reordered)] }, verdicts(true), undefined, t2)).toEqual([]);
  });

  it("moves lastTransitionTime only when a condition's status changes", () => {
    const [first] = planGatewayStatus({ httpRoutes: [route()] }, verdicts(true), undefined, t1);
    const [changed] = planGatewayStatus({ httpRoutes: [route(first?.status)] }, verdicts(false), undefined, t2);
    const conditions = (changed?.status.parents as { conditions: { lastTransitionTime: string; reason: string }[] }[])[0]?.conditions;
    expect(conditions?.map((c) => [c.reason, c.lastTransitionTime])).toEqual([["NotAllowedByListeners", t2.toISOString()]]);
  });

  it("takes our parents off a route no Gateway of ours decides about any more", () => {
    const [first] = planGatewayStatus({ httpRoutes: [route({ parents: [other] })] }, verdicts(true), undefined, t1);
    const none: GatewayVerdicts = { classes: [], gateways: [], routes: [], certificates: [] };
    expect(planGatewayStatus({ httpRoutes: [route(first?.status)] }, none, undefined, t2).map((c) => c.status)).toEqual([{ parents: [other] }]);
  });
});
