import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { type ApiRequest, describeRequest, FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { seedShop } from "../support/demo-cluster.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeIngress } from "../support/kube-objects.ts";
import { startTestAgent } from "../support/test-agent.ts";
import { waitFor } from "../support/wait-for.ts";

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  [key: string]: unknown;
}

async function loadDeploy(): Promise<{ file: string; object: Manifest }[]> {
  const files = (await readdir("deploy", { recursive: true })).filter((f) => f.endsWith(".yaml")).sort();
  const out: { file: string; object: Manifest }[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join("deploy", file), "utf8"))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? ""}`);
      out.push({ file, object: doc.toJS() as Manifest });
    }
  }
  return out;
}

/**
 * Runs the agent through every code path that touches the API: informers for all kinds, Lease create, renew,
 * release and takeover, Ingress status set and cleared, Warning Events created and (by a second agent that
 * finds them already there) patched. Returns every request it made.
 */
async function recordAgentCalls(): Promise<ApiRequest[]> {
  const api = new FakeKubeApi({ tokens: ["token-1", "token-2"] });
  await api.start();
  const edge = new EdgeReceiver();
  await edge.start();
  try {
    seedShop(api);
    api.apply(kubeIngress("shop/broken", [{ host: "broken.test", service: "missing", port: 80 }]));
    const first = await startTestAgent(api, edge, { identity: "agent-1", token: "token-1" });
    await waitFor("event created", () => api.list("Event").length > 0);
    await waitFor("status written", () => api.requests.some((r) => r.subresource === "status"));
    const web = api.get("Ingress", "shop", "web");
    api.apply({ ...web, spec: { ...(web.spec as object), ingressClassName: "other" } }); // status cleared
    await waitFor("status cleared", () => api.requests.filter((r) => r.subresource === "status").length >= 3);
    await first.agent.stop(); // releases the Lease
    const second = await startTestAgent(api, edge, { identity: "agent-2", token: "token-2" });
    await waitFor("the event patched by the second agent", () => api.requests.some((r) => r.resource === "events" && r.verb === "patch"));
    await second.agent.stop();
    return api.requests;
  } finally {
    await edge.stop();
    await api.stop();
  }
}

describe("deploy/", () => {
  let manifests: { file: string; object: Manifest }[];
  let calls: ApiRequest[];
  beforeAll(async () => {
    manifests = await loadDeploy();
    calls = await recordAgentCalls();
  });
  afterAll(() => {});

  const byKind = (kind: string) => manifests.filter((m) => m.object.kind === kind).map((m) => m.object);

  test("parses, and the kustomization lists files that exist", async () => {
    const [kustomization] = byKind("Kustomization") as unknown as { resources: string[] }[];
    for (const resource of kustomization?.resources ?? []) {
      expect(manifests.some((m) => m.file === resource), resource).toBe(true);
    }
    for (const kind of ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "IngressClass", "Ingress"]) {
      expect(byKind(kind).length, kind).toBeGreaterThan(0);
    }
  });

  test("the edge IngressClass names our controller", () => {
    expect(byKind("IngressClass")[0]).toMatchObject({ metadata: { name: "edge" }, spec: { controller: "edge-ingress.dev/controller" } });
  });

  test("the Deployment runs two replicas with probes, resources and the key Secret, as the bound ServiceAccount", () => {
    const deployment = byKind("Deployment")[0] as unknown as {
      spec: { replicas: number; template: { spec: { serviceAccountName: string; containers: Record<string, unknown>[]; volumes: { secret?: { secretName: string } }[] } } };
    };
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0] ?? {};
    for (const field of ["livenessProbe", "readinessProbe", "resources"]) expect(container[field], field).toBeDefined();
    expect(pod.volumes.some((v) => v.secret?.secretName === "edge-ingress-push-key")).toBe(true);
    const subjects = [...byKind("ClusterRoleBinding"), ...byKind("RoleBinding")].flatMap((b) => (b as unknown as { subjects: { name: string }[] }).subjects);
    expect(subjects.every((s) => s.name === pod.serviceAccountName)).toBe(true);
  });

  test("the roles allow every API call the agent made in the tests", () => {
    const denied = calls.filter((call) => !allowedBy(call)).map(describeRequest);
    expect([...new Set(denied)]).toEqual([]);
  });

  test("and nothing more: every verb on every resource granted was used", () => {
    const unused: string[] = [];
    for (const { rule, namespace } of grants()) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs ?? []) {
            const used = calls.some((call) => ruleCovers(rule, namespace, call) && call.group === group && resourceOf(call) === resource && call.verb === verb);
            if (!used) unused.push(`${verb} ${group || "core"}/${resource}`);
          }
        }
      }
    }
    expect(unused).toEqual([]);
  });

  function grants(): { rule: PolicyRule; namespace: string | null }[] {
    return [
      ...byKind("ClusterRole").flatMap((role) => (role.rules ?? []).map((rule) => ({ rule, namespace: null }))),
      ...byKind("Role").flatMap((role) => (role.rules ?? []).map((rule) => ({ rule, namespace: role.metadata.namespace ?? "edge-ingress" }))),
    ];
  }

  function allowedBy(call: ApiRequest): boolean {
    return grants().some(({ rule, namespace }) => ruleCovers(rule, namespace, call));
  }
});

function resourceOf(call: ApiRequest): string {
  return call.subresource === null ? call.resource : `${call.resource}/${call.subresource}`;
}

/** RBAC's matching: group, resource (with subresource), verb, the Role's namespace, and resourceNames. */
function ruleCovers(rule: PolicyRule, namespace: string | null, call: ApiRequest): boolean {
  if (!(rule.apiGroups ?? []).includes(call.group)) return false;
  if (!(rule.resources ?? []).includes(resourceOf(call))) return false;
  if (!(rule.verbs ?? []).includes(call.verb)) return false;
  if (namespace !== null && call.namespace !== namespace) return false;
  if (rule.resourceNames !== undefined && (call.name === null || !rule.resourceNames.includes(call.name))) return false;
  return true;
}
