import { describe, expect, it } from "vitest";
import { planServiceStatus, type ServiceWithStatus } from "../../../sync-agent/etiquette/plan-service-status.ts";
import { loadBalancer, service } from "../../support/cluster-builder.ts";

const EDGE = "edge.example.test";
const withStatus = (base: ServiceWithStatus, ingress: { hostname?: string; ip?: string }[], extra: Record<string, unknown> = {}): ServiceWithStatus => ({
  ...base,
  metadata: { ...base.metadata, resourceVersion: "7" },
  status: { loadBalancer: { ingress }, ...extra },
});
const ours = loadBalancer("shop/lb", [{ port: 80, nodePort: 30200 }], { hostnames: "lb.test" });
const plan = (services: ServiceWithStatus[], served: string[] = []) => planServiceStatus(services, new Set(served), EDGE);

describe("planServiceStatus", () => {
  it("gives a served Service exactly the edge hostname, keeping the rest of its status", () => {
    const conditions = [{ type: "Ready", status: "True" }];
    expect(plan([withStatus(ours, [{ ip: "10.0.0.1" }], { conditions })], ["shop/lb"])).toEqual([{
      namespace: "shop",
      name: "lb",
      resourceVersion: "7",
      status: { conditions, loadBalancer: { ingress: [{ hostname: EDGE }] } },
      entries: [{ hostname: EDGE }],
    }]);
  });

  it("writes nothing for a Service already right", () => {
    expect(plan([withStatus(ours, [{ hostname: EDGE }])], ["shop/lb"])).toEqual([]);
    expect(plan([ours])).toEqual([]);
  });

  it("takes our entry off a Service of ours no longer served, and only ours", () => {
    expect(plan([withStatus(ours, [{ hostname: EDGE }])]).map((c) => c.status)).toEqual([{ loadBalancer: {} }]);
    expect(plan([withStatus(ours, [{ hostname: EDGE }, { ip: "10.0.0.1" }])]).map((c) => c.entries)).toEqual([[{ ip: "10.0.0.1" }]]);
  });

  it("takes our entry off a Service that is no LoadBalancer any more", () => {
    const nodePort = withStatus(service("shop/lb", [{ port: 80, nodePort: 30200 }]), [{ hostname: EDGE }]);
    expect(plan([nodePort]).map((c) => c.entries)).toEqual([[]]);
  });

  it("never touches a LoadBalancer Service of another class or of none, even one carrying the edge hostname", () => {
    const other = withStatus(loadBalancer("shop/other", [{ port: 80 }], { loadBalancerClass: "example.com/other" }), [{ hostname: EDGE }]);
    const none = withStatus(loadBalancer("shop/none", [{ port: 80 }], { loadBalancerClass: null }), [{ hostname: EDGE }]);
    expect(plan([other, none], ["shop/other", "shop/none"])).toEqual([]);
  });
});
