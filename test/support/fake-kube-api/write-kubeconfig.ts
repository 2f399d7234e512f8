import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeKubeApi } from "./fake-kube-api.ts";

/**
 * A kubeconfig file pointing at the fake. `insecure-skip-tls-verify` is what makes @kubernetes/client-node 1.4
 * accept a plain-http server.
 */
export async function writeKubeconfig(api: FakeKubeApi, token = api.tokens[0] ?? ""): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fake-kube-"));
  const path = join(dir, "kubeconfig.yaml");
  await writeFile(path, kubeconfigYaml(api.url, token));
  return path;
}

export function kubeconfigYaml(server: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster:
      server: ${server}
      insecure-skip-tls-verify: true
users:
  - name: tester
    user:
      token: ${token}
contexts:
  - name: fake
    context: { cluster: fake, user: tester }
current-context: fake
`;
}
