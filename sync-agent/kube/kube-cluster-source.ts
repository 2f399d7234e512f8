import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import type { ClusterState } from "../../core/compile/cluster-objects.ts";
import type { BackoffPolicy } from "../loop/backoff.ts";
import type { ClusterSource } from "../loop/cluster-source.ts";
import type { Logger } from "../observe/logger.ts";
import { GatewayApiInformers } from "./gateway-api-informers.ts";
import { SupervisedInformer } from "./supervised-informer.ts";
import { watchedResources } from "./watched-resources.ts";

export interface KubeClusterSourceOptions {
  readonly backoff: BackoffPolicy;
  readonly watchTimeoutSeconds: number;
  readonly logger: Logger;
  readonly onRestart?: (resource: string) => void;
  /** How often to look again for the Gateway API CRDs while they are not installed (default 30 s). */
  readonly gatewayApiProbeMs?: number;
}

/** The cluster as supervised informer caches: the core kinds always, the Gateway API kinds once installed. */
export class KubeClusterSource implements ClusterSource {
  private readonly informers: { readonly field: keyof ClusterState; readonly informer: SupervisedInformer<KubernetesObject> }[];
  private readonly gateway: GatewayApiInformers;
  private readonly listeners: (() => void)[] = [];

  constructor(config: KubeConfig, options: KubeClusterSourceOptions) {
    this.informers = watchedResources(config).map(({ field, path, list }) => ({
      field,
      informer: new SupervisedInformer(field, config, path, list, {
        backoff: options.backoff,
        watchTimeoutSeconds: options.watchTimeoutSeconds,
        logger: options.logger,
        onChange: () => this.listeners.forEach((listener) => listener()),
        onRestart: () => options.onRestart?.(field),
      }),
    }));
    this.gateway = new GatewayApiInformers(config, {
      backoff: options.backoff,
      watchTimeoutSeconds: options.watchTimeoutSeconds,
      logger: options.logger,
      onChange: () => this.listeners.forEach((listener) => listener()),
      ...(options.onRestart === undefined ? {} : { onRestart: options.onRestart }),
      ...(options.gatewayApiProbeMs === undefined ? {} : { probeIntervalMs: options.gatewayApiProbeMs }),
    });
  }

  start(): void {
    for (const { informer } of this.informers) informer.start();
    this.gateway.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.map(({ informer }) => informer.stop()), this.gateway.stop()]);
  }

  synced(): boolean {
    return this.informers.every(({ informer }) => informer.synced()) && this.gateway.synced();
  }

  snapshot(): ClusterState {
    const state: Partial<Record<keyof ClusterState, readonly KubernetesObject[]>> = { ingresses: [], ingressClasses: [], services: [], endpointSlices: [], nodes: [] };
    for (const { field, informer } of this.informers) state[field] = informer.list();
    Object.assign(state, this.gateway.snapshot());
    // The client's objects are structurally what the compiler reads (timestamps as Date are allowed there).
    return state as unknown as ClusterState;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  problems(): readonly string[] {
    return this.informers.flatMap(({ field, informer }) => [
      ...(informer.synced() ? [] : [`${field} not listed yet`]),
      ...(informer.connected() ? [] : [`${field} watch reconnecting`]),
    ]).concat(this.gateway.problems());
  }
}
