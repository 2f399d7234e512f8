import { expect, test } from "vitest";
import { runCli } from "../../../sync-agent/cli/main.ts";
import { FakeKubeApi, writeKubeconfig } from "../../support/fake-kube-api/index.ts";
import { seedShop } from "../support/demo-cluster.ts";

test("compile and explain ask a live cluster (one list of each kind, no watch)", async () => {
  const api = new FakeKubeApi();
  await api.start();
  try {
    seedShop(api);
    const path = await writeKubeconfig(api);
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => {}, env: {} };
    expect(await runCli(["compile", "--kubeconfig", path], io)).toBe(0);
    expect((JSON.parse(out.join("")) as { hosts: { host: string }[] }).hosts.map((h) => h.host)).toEqual(["shop.test"]);
    out.length = 0;
    expect(await runCli(["explain", "--kubeconfig", path, "http://shop.test/cart"], io)).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ status: 200, ingress: "shop/web", backend: { service: "shop/web", port: 80 } });
    expect(api.requests.every((r) => r.verb === "list")).toBe(true);
  } finally {
    await api.stop();
  }
});
