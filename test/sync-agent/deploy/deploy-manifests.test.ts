import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { V1PodDisruptionBudget, V1Service } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { type AgentPod, renderAgentPod } from "../../support/agent-pod.ts";
import { readSyncFlags } from "../../../sync-agent/cli/sync-flags.ts";
import { type ApiRequest, describeRequest, FakeKubeApi } from "../../support/fake-kube-api/index.ts";
import { restrictedViolations } from "../../support/pod-security-restricted.ts";
import { seedShop } from "../support/demo-cluster.ts";
import { generatePushKeys } from "../support/push-keys.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { kubeGateway, kubeGatewayClass, kubeHttpRoute, kubeIngress, kubeLoadBalancer } from "../support/kube-objects.ts";
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

/** The optional component that lets the agent read TLS Secrets (--upload-certificates). */
const TLS_SECRETS_COMPONENT = "components/tls-secrets";

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
 * release and takeover, Ingress and LoadBalancer Service status set and cleared, Warning Events created and (by a
 * second agent that finds them already there) patched. Returns every request it made.
 */
async function recordAgentCalls(): Promise<ApiRequest[]> {
  const api = new FakeKubeApi({ tokens: ["token-1", "token-2"] });
  await api.start();
  const edge = new EdgeReceiver();
  await edge.start();
  try {
    seedShop(api);
    api.apply(kubeIngress("shop/broken", [{ host: "broken.test", service: "missing", port: 80 }]));
    api.apply(kubeLoadBalancer("shop/lb", [{ port: 80, nodePort: 30200 }], { hostnames: "lb.test" }));
    api.apply(kubeLoadBalancer("shop/lb-broken", [{ port: 80 }], { hostnames: "lb-broken.test", allocateNodePorts: false }));
    api.installGatewayApi();
    api.apply(kubeGatewayClass());
    api.apply(kubeGateway("shop/edge"));
    api.apply(kubeHttpRoute("shop/api", "edge", { host: "api.test", path: "/", service: "web", port: 80 }));
    const first = await startTestAgent(api, edge, { identity: "agent-1", token: "token-1" });
    await waitFor("events created on an Ingress and a Service", () => ["Ingress", "Service"].every((kind) => api.list("Event").some((e) => (e.involvedObject as { kind?: string }).kind === kind)));
    const statusWrites = (resource: string) => api.requests.filter((r) => r.resource === resource && r.subresource === "status").length;
    await waitFor("status written", () => ["ingresses", "services", "gatewayclasses", "gateways", "httproutes"].every((resource) => statusWrites(resource) > 0));
    await waitFor("ReferenceGrants listed and watched", () => ["list", "watch"].every((verb) => api.requests.some((r) => r.resource === "referencegrants" && r.verb === verb)));
    const web = api.get("Ingress", "shop", "web");
    api.apply({ ...web, spec: { ...(web.spec as object), ingressClassName: "other" } }); // status cleared
    const lb = api.get("Service", "shop", "lb");
    api.apply({ ...lb, metadata: { ...lb.metadata, annotations: {} } }); // status cleared
    await waitFor("status cleared", () => statusWrites("ingresses") >= 3 && statusWrites("services") >= 2);
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

/** The same agent reading TLS Secrets (what `--upload-certificates` asks of it): every request it made. */
async function recordSecretReadingCalls(): Promise<ApiRequest[]> {
  const api = new FakeKubeApi();
  await api.start();
  const edge = new EdgeReceiver();
  await edge.start();
  try {
    seedShop(api);
    api.apply(kubeIngress("shop/secure", [{ host: "secure.test", service: "web", port: 80 }], { tls: ["secure.test"] }));
    api.apply({ apiVersion: "v1", kind: "Secret", metadata: { namespace: "shop", name: "tls" }, type: "kubernetes.io/tls", data: { "tls.crt": "", "tls.key": "" } });
    let handed = 0;
    const agent = await startTestAgent(api, edge, { deps: { onTlsSecrets: () => { handed += 1; } } });
    await waitFor("Secrets handed over", () => handed > 0 && api.requests.some((r) => r.resource === "secrets" && r.verb === "watch"));
    await agent.agent.stop();
    return api.requests;
  } finally {
    await edge.stop();
    await api.stop();
  }
}

describe("deploy/ wires the agent's configuration", () => {
  test("every variable the Deployment sets is one `edge-ingress sync` reads (or its arguments name)", async () => {
    const { container, literals } = await readAgentWiring();
    expect(container.args?.[0]).toBe("sync");
    const given = [...literals.keys(), ...(container.env ?? []).map((entry) => entry.name)];
    const referenced = new Set((container.args ?? []).flatMap((arg) => [...arg.matchAll(/\$\(([A-Z0-9_]+)\)/g)].map((match) => match[1] ?? "")));
    // Read with the ConfigMap as shipped, and switched to Workers KV, so that variables read only in one mode count.
    const read = new Set<string>();
    for (const overrides of [{ EDGE_PUBLISH: "edge" }, { EDGE_PUBLISH: "kv" }]) {
      const { env, args } = containerEnvironment(container, literals, overrides);
      for (const name of variablesRead(args, env)) read.add(name);
    }
    expect(given.filter((name) => !read.has(name) && !referenced.has(name))).toEqual([]);
    for (const name of ["EDGE_NODE_DOMAIN", "EDGE_MANAGE_DNS", "CLOUDFLARE_ZONE_ID", "EDGE_OWNER_ID", "CLOUDFLARE_API_TOKEN", "EDGE_MANAGE_HOSTS", "EDGE_WORKER_NAME", "CLOUDFLARE_ACCOUNT_ID"]) expect(given, name).toContain(name);
  });

  test("as shipped the agent refuses to start until the zone, account and owner id are filled in, naming them; filled in, it has no problem", async () => {
    const { container, literals } = await readAgentWiring();
    const key = JSON.stringify((await generatePushKeys()).privateJwk);
    const shipped = containerEnvironment(container, literals, { EDGE_PUSH_PRIVATE_JWK: key });
    const problems = readSyncFlags(shipped.args.slice(1), shipped.env).problems;
    expect(problems).toEqual([
      "--cloudflare-account-id (CLOUDFLARE_ACCOUNT_ID) is required with --manage-hosts",
      "--cloudflare-zone-id (CLOUDFLARE_ZONE_ID) is required with --manage-dns",
      "--owner-id (EDGE_OWNER_ID) is required with --manage-dns: a name for this cluster, unique among those sharing the zone",
    ]);
    const filled = containerEnvironment(container, literals, { EDGE_PUSH_PRIVATE_JWK: key, CLOUDFLARE_ZONE_ID: "023e105f4ecef8ad9ca31a8372d0c353", CLOUDFLARE_ACCOUNT_ID: "01a7362d577a6c3019a474fd6f485823", EDGE_OWNER_ID: "prod-eu" });
    const read = readSyncFlags(filled.args.slice(1), filled.env);
    expect(read.problems).toEqual([]);
    expect(read.settings?.config.compile.nodeDomain).toBe(literals.get("EDGE_NODE_DOMAIN"));
    expect(read.settings?.cloudflare.dns).toEqual({ zoneId: "023e105f4ecef8ad9ca31a8372d0c353", nodeDomain: literals.get("EDGE_NODE_DOMAIN"), ownerId: "prod-eu" });
    expect(read.settings?.cloudflare.hosts).toEqual({ accountId: "01a7362d577a6c3019a474fd6f485823", workerName: "edge-ingress", ownerId: "prod-eu", dryRun: false });
  });

  test("without the optional token Secret and with DNS and hosts kept by hand, the agent starts", async () => {
    const { container, literals } = await readAgentWiring();
    const token = (container.env ?? []).find((entry) => entry.name === "CLOUDFLARE_API_TOKEN")?.valueFrom?.secretKeyRef;
    expect(token?.optional).toBe(true);
    const key = JSON.stringify((await generatePushKeys()).privateJwk);
    const { env, args } = containerEnvironment(container, literals, { EDGE_PUSH_PRIVATE_JWK: key, EDGE_MANAGE_DNS: "false", EDGE_MANAGE_HOSTS: "false" });
    delete env.CLOUDFLARE_API_TOKEN;
    const read = readSyncFlags(args.slice(1), env);
    expect(read.problems).toEqual([]);
    expect(read.settings?.cloudflare.api).toBeNull();
  });

  test("the Secrets the Deployment reads are those the README and the kustomization tell you to create, key for key", async () => {
    const { container, pod } = await readAgentWiring();
    const wanted = [
      ...(container.env ?? []).flatMap((entry) => (entry.valueFrom?.secretKeyRef === undefined ? [] : [`${entry.valueFrom.secretKeyRef.name} ${entry.valueFrom.secretKeyRef.key}`])),
      ...(pod.volumes ?? []).flatMap((volume) => (volume.secret === undefined ? [] : (volume.secret.items ?? []).map((item) => `${volume.secret?.secretName ?? ""} ${item.key}`))),
    ].sort();
    expect(wanted).toEqual(["edge-ingress-cloudflare api-token", "edge-ingress-push-key private.jwk"]);
    for (const file of ["README.md", "deploy/kustomization.yaml"]) {
      const text = await readFile(file, "utf8");
      const created = [...text.matchAll(/create secret generic (\S+) --from-(?:file|literal)=([^=\s]+)=/g)].map((match) => `${match[1] ?? ""} ${match[2] ?? ""}`);
      expect([...new Set(created)].sort(), file).toEqual(wanted);
    }
  });
});

describe("deploy/", () => {
  let manifests: { file: string; object: Manifest }[];
  let calls: ApiRequest[];
  let secretCalls: ApiRequest[];
  beforeAll(async () => {
    manifests = await loadDeploy();
    [calls, secretCalls] = await Promise.all([recordAgentCalls(), recordSecretReadingCalls()]);
  });
  afterAll(() => {});

  const byKind = (kind: string) => manifests.filter((m) => m.object.kind === kind).map((m) => m.object);
  /** Files a kustomization (or component) in `dir` lists as resources, as paths under deploy/. */
  const listed = (dir: string): string[] => {
    const kustomization = manifests.find((m) => m.file === join(dir, "kustomization.yaml"))?.object as { resources?: string[] } | undefined;
    return (kustomization?.resources ?? []).map((resource) => join(dir, resource));
  };
  /** The ClusterRoles and Roles of the files given. */
  const rolesIn = (files: readonly string[]): Manifest[] =>
    manifests.filter((m) => files.includes(m.file) && (m.object.kind === "ClusterRole" || m.object.kind === "Role")).map((m) => m.object);
  const defaultRoles = (): Manifest[] => rolesIn(listed("."));
  const withTlsSecrets = (): Manifest[] => [...defaultRoles(), ...rolesIn(listed(TLS_SECRETS_COMPONENT))];

  test("parses, and the kustomization and the tls-secrets component list files that exist", async () => {
    for (const dir of [".", TLS_SECRETS_COMPONENT]) {
      const files = listed(dir);
      expect(files.length, dir).toBeGreaterThan(0);
      for (const file of files) expect(manifests.some((m) => m.file === file), file).toBe(true);
    }
    expect(manifests.find((m) => m.file === join(TLS_SECRETS_COMPONENT, "kustomization.yaml"))?.object.kind).toBe("Component");
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

  test("the default roles allow every API call the agent made in the tests", () => {
    expect(denied(defaultRoles(), calls)).toEqual([]);
  });

  test("and nothing more: every verb on every resource granted was used", () => {
    expect(unused(defaultRoles(), calls)).toEqual([]);
  });

  test("the default roles grant nothing on Secrets, and the default agent asked for none", () => {
    expect(denied(defaultRoles(), secretCalls).filter((call) => call.includes("core/secrets")).length).toBeGreaterThan(0);
    expect(calls.filter((call) => call.resource === "secrets")).toEqual([]);
  });

  test("reading TLS Secrets, the agent is allowed every call by the default roles plus the tls-secrets component", () => {
    expect(denied(withTlsSecrets(), secretCalls)).toEqual([]);
  });

  test("and the component grants nothing the agent did not use", () => {
    expect(unused(rolesIn(listed(TLS_SECRETS_COMPONENT)), secretCalls)).toEqual([]);
  });

  test("the agent asks only for Secrets of type kubernetes.io/tls, across namespaces", () => {
    const secrets = secretCalls.filter((call) => call.resource === "secrets");
    expect([...new Set(secrets.map((call) => `${call.verb} ${call.namespace ?? "*"} ${call.query.fieldSelector ?? ""}`))].sort()).toEqual([
      "list * type=kubernetes.io/tls",
      "watch * type=kubernetes.io/tls",
    ]);
  });
});

describe("deploy/, rendered as `kubectl apply -k deploy/` sends it", () => {
  let rendered: AgentPod;
  let version: string;
  beforeAll(async () => {
    rendered = await renderAgentPod();
    version = (JSON.parse(await readFile("package.json", "utf8")) as { version: string }).version;
  });
  const labels = () => rendered.deployment.spec?.template.metadata?.labels ?? {};
  const selects = (selector: Readonly<Record<string, string>> | undefined) =>
    selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels()[key] === value);

  test("runs the image the release workflow publishes for package.json's version", () => {
    expect(rendered.container.image).toBe(`ghcr.io/edge-ingress/edge-ingress:${version}`);
  });

  test("the README builds and loads (kind, k3d) that image", async () => {
    const readme = await readFile("README.md", "utf8");
    const image = rendered.container.image ?? "";
    for (const command of [`docker build -t ${image} .`, `kind load docker-image ${image}`, `k3d image import ${image}`]) expect(readme, command).toContain(command);
  });

  test("the Namespace enforces the restricted Pod Security Standard, and the agent's Pod meets it", () => {
    const namespace = rendered.objects.find((object) => object.kind === "Namespace");
    expect(namespace?.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    expect(restrictedViolations(rendered.pod)).toEqual([]);
    expect(restrictedViolations({ ...rendered.pod, securityContext: { ...rendered.pod.securityContext, runAsNonRoot: false } })).not.toEqual([]);
  });

  test("the root filesystem stays read-only; /tmp is an emptyDir", () => {
    expect(rendered.container.securityContext?.readOnlyRootFilesystem).toBe(true);
    const tmp = rendered.container.volumeMounts?.find((mount) => mount.mountPath === "/tmp");
    expect(rendered.pod.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  test("requests CPU and memory and limits memory", () => {
    expect(rendered.container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
  });

  test("a PodDisruptionBudget covers the agent's Pods and still lets a Node drain evict one of the two", () => {
    const budgets = rendered.objects.filter((object) => object.kind === "PodDisruptionBudget") as V1PodDisruptionBudget[];
    expect(budgets).toHaveLength(1);
    const spec = budgets[0]?.spec;
    expect(selects(spec?.selector?.matchLabels)).toBe(true);
    const replicas = rendered.deployment.spec?.replicas ?? 1;
    const evictable = spec?.maxUnavailable !== undefined ? Number(spec.maxUnavailable) : replicas - Number(spec?.minAvailable ?? replicas);
    expect(evictable).toBeGreaterThanOrEqual(1);
    expect(evictable).toBeLessThan(replicas);
  });

  test("the replicas spread across Nodes by one preferred rule, so that a one-Node cluster still runs both", () => {
    const antiAffinity = rendered.pod.affinity?.podAntiAffinity;
    const spread = rendered.pod.topologySpreadConstraints ?? [];
    const mechanisms = [antiAffinity, ...spread].filter((mechanism) => mechanism !== undefined);
    expect(mechanisms).toHaveLength(1);
    expect(antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).toEqual([]);
    expect(spread.filter((constraint) => constraint.whenUnsatisfiable !== "ScheduleAnyway")).toEqual([]);
    const terms = [...(antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p) => p.podAffinityTerm), ...spread];
    expect(terms.map((term) => term.topologyKey)).toEqual(["kubernetes.io/hostname"]);
    expect(terms.every((term) => selects(term.labelSelector?.matchLabels))).toBe(true);
  });

  test("a Service for metrics selects the agent's Pods on their http-metrics port, 9102", () => {
    const services = rendered.objects.filter((object) => object.kind === "Service") as V1Service[];
    expect(services).toHaveLength(1);
    const service = services[0];
    expect(selects(service?.spec?.selector)).toBe(true);
    expect(service?.spec?.ports).toEqual([expect.objectContaining({ name: "http-metrics", port: 9102, targetPort: "http-metrics" })]);
    expect(rendered.container.ports).toContainEqual(expect.objectContaining({ name: "http-metrics", containerPort: 9102 }));
  });
});
interface Container {
  args?: string[];
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: unknown } }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] } }[];
}

/** The sync agent's container and pod, the ConfigMap's literals, as written in deploy/. */
async function readAgentWiring(): Promise<{ container: Container; pod: PodSpec; literals: Map<string, string> }> {
  const manifests = await loadDeploy();
  const deployment = manifests.find((m) => m.object.kind === "Deployment")?.object as unknown as { spec: { template: { spec: PodSpec } } };
  const pod = deployment.spec.template.spec;
  const kustomization = manifests.find((m) => m.file === "kustomization.yaml")?.object as unknown as { configMapGenerator?: { name: string; literals?: string[] }[] };
  const generator = kustomization.configMapGenerator?.find((g) => g.name === "edge-ingress-config");
  const literals = new Map((generator?.literals ?? []).map((literal) => [literal.slice(0, literal.indexOf("=")), literal.slice(literal.indexOf("=") + 1)] as [string, string]));
  return { container: pod.containers[0] ?? {}, pod, literals };
}

/**
 * The container's environment as the kubelet builds it (the Secret's token given), and the arguments with $(VAR)
 * expanded. The push key file exists only in the Pod: here the key comes inline (EDGE_PUSH_PRIVATE_JWK) instead.
 */
function containerEnvironment(container: Container, literals: ReadonlyMap<string, string>, overrides: Record<string, string> = {}) {
  const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443", ...Object.fromEntries(literals) };
  for (const entry of container.env ?? []) {
    if (entry.valueFrom?.secretKeyRef !== undefined) env[entry.name] = "a-cloudflare-token";
    else if (entry.valueFrom?.fieldRef !== undefined) env[entry.name] = entry.name === "POD_NAME" ? "edge-ingress-sync-agent-0" : "edge-ingress";
    else env[entry.name] = entry.value ?? "";
  }
  Object.assign(env, overrides);
  const args = (container.args ?? [])
    .filter((arg) => !arg.startsWith("--push-key-file="))
    .map((arg) => arg.replace(/\$\(([A-Z0-9_]+)\)/g, (_, name: string) => env[name] ?? `$(${name})`));
  return { env, args };
}

/** The names `edge-ingress sync` reads from the environment given (a proxy records each read). */
function variablesRead(args: readonly string[], env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, { get: (target, name) => (typeof name === "string" ? (read.add(name), target[name]) : undefined) });
  readSyncFlags(args.slice(1), recording);
  return read;
}

function grants(roles: readonly Manifest[]): { rule: PolicyRule; namespace: string | null }[] {
  return roles.flatMap((role) => (role.rules ?? []).map((rule) => ({ rule, namespace: role.kind === "Role" ? role.metadata.namespace ?? "edge-ingress" : null })));
}

/** Each distinct call no rule of `roles` allows. */
function denied(roles: readonly Manifest[], made: readonly ApiRequest[]): string[] {
  const all = grants(roles);
  return [...new Set(made.filter((call) => !all.some(({ rule, namespace }) => ruleCovers(rule, namespace, call))).map(describeRequest))];
}

/** Each verb on each resource `roles` grant that no call in `made` used. */
function unused(roles: readonly Manifest[], made: readonly ApiRequest[]): string[] {
  const out: string[] = [];
  for (const { rule, namespace } of grants(roles)) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const verb of rule.verbs ?? []) {
          const used = made.some((call) => ruleCovers(rule, namespace, call) && call.group === group && resourceOf(call) === resource && call.verb === verb);
          if (!used) out.push(`${verb} ${group || "core"}/${resource}`);
        }
      }
    }
  }
  return out;
}

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
