import { describe, expect, it } from "vitest";
import { compileTable } from "../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import { hashTableContent, sealTable } from "../../../core/table/hash-table.ts";
import type { TableContent } from "../../../core/table/schema.ts";
import { verifyTableVersion } from "../../../core/table/validate-table.ts";
import { cluster, ingress, service, slice } from "../../support/cluster-builder.ts";

function demoContent(): TableContent {
  return compileTable(cluster({
    ingresses: [ingress("default/a", [{ host: "a.test", service: "web", port: 80 }])],
    services: [service("default/web", [{ port: 80, nodePort: 30080 }])],
    endpointSlices: [slice("default/web", [{ node: "node-a" }])],
  }), defaultCompileOptions).content;
}

describe("hashTableContent", () => {
  it("gives the same content the same version, whatever its generation", async () => {
    const content = demoContent();
    expect((await sealTable(content, 1)).version).toBe((await sealTable(content, 2)).version);
  });
  it("gives a table whose only change is an Ingress's allow-list a new version, so the agent pushes it", async () => {
    const content = demoContent();
    const open = await hashTableContent({ ...content, policies: [{ ingress: "default/a", allow: ["10.0.0.0/8"] }] });
    const narrowed = await hashTableContent({ ...content, policies: [{ ingress: "default/a", allow: ["10.1.0.0/16"] }] });
    expect(narrowed).not.toBe(open);
    expect(open).not.toBe(await hashTableContent(content));
  });
  it("gives a table whose only change is a host redirect a new version", async () => {
    const content = demoContent();
    const redirected = await hashTableContent({ ...content, hostRedirects: [{ from: "www.a.test", to: "a.test", ingress: "default/a" }] });
    expect(redirected).not.toBe(await hashTableContent(content));
  });
  it("refuses, at the edge, a table whose policies were changed after it was sealed", async () => {
    const sealed = await sealTable({ ...demoContent(), policies: [{ ingress: "default/a", allow: ["10.0.0.0/8"] }] }, 7);
    expect(await verifyTableVersion(sealed)).toBe(true);
    expect(await verifyTableVersion({ ...sealed, policies: [] })).toBe(false);
  });
});
