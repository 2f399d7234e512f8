import type { FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { kubeEdgeClass, kubeIngress, kubeNamedSlice, kubeNode, kubeService } from "./kube-objects.ts";

/** Three Nodes, one shop Service with a ready endpoint on node-a, one Ingress for shop.test. */
export function seedShop(api: FakeKubeApi): void {
  api.apply(kubeEdgeClass());
  api.apply(kubeNode("node-a", "127.0.0.2"));
  api.apply(kubeNode("node-b", "127.0.0.3"));
  api.apply(kubeNode("node-c", "127.0.0.4"));
  api.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: 30080 }]));
  api.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }], ["http"]));
  api.apply(kubeIngress("shop/web", [{ host: "shop.test", service: "web", port: 80 }]));
}
