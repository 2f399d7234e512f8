import { ApiException, CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject } from "@kubernetes/client-node";
import { GATEWAY_GROUP } from "../../core/compile/gateway/gateway-objects.ts";
import type { BackoffPolicy } from "../loop/backoff.ts";
import type { Logger } from "../observe/logger.ts";
import { describeKubeError } from "./describe-kube-error.ts";
import { SupervisedInformer } from "./supervised-informer.ts";

type GatewayField = "gatewayClasses" | "gateways" | "httpRoutes" | "referenceGrants";

/** The Gateway API kinds the compiler reads. Keep deploy/cluster-role.yaml in step. */
const KINDS: readonly { readonly field: GatewayField; readonly version: string; readonly plural: string; readonly namespaced: boolean }[] = [
  { field: "gatewayClasses", version: "v1", plural: "gatewayclasses", namespaced: false },
  { field: "gateways", version: "v1", plural: "gateways", namespaced: true },
  { field: "httpRoutes", version: "v1", plural: "httproutes", namespaced: true },
  { field: "referenceGrants", version: "v1beta1", plural: "referencegrants", namespaced: true },
];

export interface GatewayApiInformersOptions {
  readonly backoff: BackoffPolicy;
  readonly watchTimeoutSeconds: number;
  readonly logger: Logger;
  readonly onChange: () => void;
  readonly onRestart?: (resource: string) => void;
  /** How often to look again for CRDs that are not installed (API discovery). Default 30 s. */
  readonly probeIntervalMs?: number;
}

/**
 * Informers on the Gateway API kinds, once their CRDs are installed. The agent runs without them: API discovery
 * says which kinds exist; until GatewayClass, Gateway and HTTPRoute do, it says so once, serves Ingresses, and
 * looks again every `probeIntervalMs`. ReferenceGrant (v1beta1) is watched when installed; without it no
 * cross-namespace reference is granted (fails closed).
 */
export class GatewayApiInformers {
  private readonly informers = new Map<GatewayField, SupervisedInformer<KubernetesObject>>();
  private readonly api: CustomObjectsApi;
  private answered = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private saidAbsent = false;

  constructor(private readonly config: KubeConfig, private readonly options: GatewayApiInformersOptions) {
    this.api = config.makeApiClient(CustomObjectsApi);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.probe();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }

  /** Discovery answered, and every installed kind is listed: absent CRDs do not hold the table back. */
  synced(): boolean {
    return this.answered && [...this.informers.values()].every((informer) => informer.synced());
  }

  /** The installed kinds' objects; a kind not installed is left out (the compiler then serves Ingresses only). */
  snapshot(): Partial<Record<GatewayField, readonly KubernetesObject[]>> {
    const state: Partial<Record<GatewayField, readonly KubernetesObject[]>> = {};
    for (const [field, informer] of this.informers) state[field] = informer.list();
    return state;
  }

  problems(): readonly string[] {
    return [...this.informers].flatMap(([field, informer]) => [
      ...(informer.synced() ? [] : [`${field} not listed yet`]),
      ...(informer.connected() ? [] : [`${field} watch reconnecting`]),
    ]);
  }

  private async probe(): Promise<void> {
    const missing = KINDS.filter((kind) => !this.informers.has(kind.field));
    const versions = [...new Set(missing.map((kind) => kind.version))];
    try {
      const found = new Set<string>();
      for (const version of versions) {
        for (const plural of await this.resourcesOf(version)) found.add(`${version}/${plural}`);
      }
      if (!this.running) return;
      const core = KINDS.filter((kind) => kind.version === "v1");
      if (core.every((kind) => this.informers.has(kind.field) || found.has(`v1/${kind.plural}`))) {
        for (const kind of missing) if (found.has(`${kind.version}/${kind.plural}`)) this.watch(kind);
        this.options.logger.log("info", "gateway-api-found", { kinds: [...this.informers.keys()] });
      } else if (!this.saidAbsent) {
        this.saidAbsent = true;
        this.options.logger.log("info", "gateway-api-absent", { detail: "the Gateway API CRDs (gateway.networking.k8s.io/v1) are not installed: serving Ingresses; looking again periodically" });
      }
      this.answered = true;
      this.options.onChange();
    } catch (error) {
      this.options.logger.log("warn", "gateway-api-discovery-failed", { error: describeKubeError(error) });
    }
    if (this.running && this.informers.size < KINDS.length) this.timer = setTimeout(() => void this.probe(), this.options.probeIntervalMs ?? 30_000);
  }

  /** The resources a Gateway API version serves; none when the version is not installed (404). */
  private async resourcesOf(version: string): Promise<string[]> {
    try {
      const list = await this.api.getAPIResources({ group: GATEWAY_GROUP, version });
      return list.resources.map((resource) => resource.name);
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return [];
      throw error;
    }
  }

  private watch(kind: (typeof KINDS)[number]): void {
    const prefix = `/apis/${GATEWAY_GROUP}/${kind.version}/${kind.plural}`;
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> =>
      (kind.namespaced
        ? await this.api.listCustomObjectForAllNamespaces({ group: GATEWAY_GROUP, version: kind.version, plural: kind.plural })
        : await this.api.listClusterCustomObject({ group: GATEWAY_GROUP, version: kind.version, plural: kind.plural })) as KubernetesListObject<KubernetesObject>;
    const informer = new SupervisedInformer<KubernetesObject>(kind.field, this.config, prefix, list, {
      backoff: this.options.backoff,
      watchTimeoutSeconds: this.options.watchTimeoutSeconds,
      logger: this.options.logger,
      onChange: this.options.onChange,
      onRestart: () => this.options.onRestart?.(kind.field),
    });
    this.informers.set(kind.field, informer);
    informer.start();
  }
}

