import { afterEach, describe, expect, it } from "vitest";
import { loadManifestFolder, loadManifests, ManifestError } from "../../../sync-agent/manifests/load-manifests.ts";
import { makeTempDir } from "../../support/temp-dir.ts";

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function folder(files: Record<string, string>): Promise<string> {
  const made = await makeTempDir(files);
  cleanup = made.remove;
  return made.dir;
}

describe("loadManifests", () => {
  it("reads multi-document YAML, JSON and kind: List, sorting objects by kind", async () => {
    const dir = await folder({
      "a.yaml": "kind: Service\nmetadata: { name: s1 }\n---\nkind: Node\nmetadata: { name: n1 }\n---\n",
      "b.json": JSON.stringify({ kind: "List", items: [{ kind: "Ingress", metadata: { name: "i1" } }, { kind: "EndpointSlice", metadata: { name: "e1" } }] }),
      "c.yml": "kind: IngressClass\nmetadata: { name: edge }\n",
      "d.yaml": "kind: Deployment\nmetadata: { name: ignored }\n",
      "notes.txt": "not a manifest",
    });
    const state = await loadManifests(dir);
    expect({
      services: state.services.length,
      nodes: state.nodes.length,
      ingresses: state.ingresses.length,
      endpointSlices: state.endpointSlices.length,
      ingressClasses: state.ingressClasses.length,
    }).toEqual({ services: 1, nodes: 1, ingresses: 1, endpointSlices: 1, ingressClasses: 1 });
  });
  it("names the file and line of invalid YAML", async () => {
    const dir = await folder({ "good.yaml": "kind: Node\nmetadata: { name: n1 }\n", "bad.yaml": "kind: Service\nmetadata:\n  name: [unclosed\n" });
    await expect(loadManifests(dir)).rejects.toThrow(/bad\.yaml:\d+: invalid YAML/);
  });
  it("names the file of invalid JSON", async () => {
    const dir = await folder({ "bad.json": "{ nope" });
    await expect(loadManifests(dir)).rejects.toThrow(/bad\.json: invalid JSON/);
  });
  it("refuses an object without a kind, naming the file and line", async () => {
    const dir = await folder({ "x.yaml": "kind: Node\nmetadata: { name: n1 }\n---\nmetadata: { name: what }\n" });
    await expect(loadManifests(dir)).rejects.toThrow(/x\.yaml:4: object has no kind/);
  });
  it("fails with a typed error for a missing folder", async () => {
    await expect(loadManifests("/nonexistent/edge-ingress")).rejects.toBeInstanceOf(ManifestError);
  });
});

describe("loadManifestFolder: Secrets, for --upload-certificates only", () => {
  const secretYaml = "kind: Secret\nmetadata: { name: tls, namespace: shop }\ntype: kubernetes.io/tls\ndata: { tls.crt: Q0VSVA== }\nstringData: { tls.key: KEY }\n";

  it("leaves Secrets out unless asked for them", async () => {
    const dir = await folder({ "s.yaml": secretYaml });
    expect((await loadManifestFolder(dir)).secrets).toEqual([]);
  });

  it("collects Secrets with data and stringData as written, apart from the cluster snapshot", async () => {
    const dir = await folder({ "s.yaml": `${secretYaml}---\nkind: Node\nmetadata: { name: n1 }\n` });
    const { cluster, secrets } = await loadManifestFolder(dir, { secrets: true });
    expect(cluster.nodes).toHaveLength(1);
    expect(secrets).toEqual([expect.objectContaining({ type: "kubernetes.io/tls", data: { "tls.crt": "Q0VSVA==" }, stringData: { "tls.key": "KEY" } })]);
  });

  it("refuses a Secret whose data is not a map of strings, naming the file and line", async () => {
    const dir = await folder({ "s.yaml": "kind: Node\nmetadata: { name: n1 }\n---\nkind: Secret\nmetadata: { name: tls }\ndata: { tls.crt: [1, 2] }\n" });
    await expect(loadManifestFolder(dir, { secrets: true })).rejects.toThrow(/s\.yaml:4: Secret data must map keys to strings/);
  });
});
