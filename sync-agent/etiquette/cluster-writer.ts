import { ApiException, type CoreV1Api, type CoreV1Event, type CustomObjectsApi, type NetworkingV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { GATEWAY_GROUP } from "../../core/compile/gateway/gateway-objects.ts";
import type { ClusterState } from "../../core/compile/cluster-objects.ts";
import type { CompileResult } from "../../core/compile/compile-table.ts";
import type { Problem } from "../../core/table/schema.ts";
import { describeKubeError } from "../kube/describe-kube-error.ts";
import type { Logger } from "../observe/logger.ts";
import type { SyncMetrics } from "../observe/sync-metrics.ts";
import { type GatewayObjectsWithStatus, planGatewayStatus } from "./plan-gateway-status.ts";
import { type IngressWithStatus, planIngressStatus } from "./plan-ingress-status.ts";
import { type ProblemEvent, planProblemEvents } from "./plan-problem-events.ts";
import { planServiceStatus, type ServiceWithStatus } from "./plan-service-status.ts";

export interface ClusterWriterOptions {
  readonly networking: NetworkingV1Api;
  readonly core: CoreV1Api;
  /** Gateway API status writes (GatewayClass, Gateway, HTTPRoute); absent = left alone. */
  readonly customObjects?: CustomObjectsApi;
  /** Written into `status.loadBalancer.ingress[].hostname`; absent = leave Ingress and Service status alone. */
  readonly edgeHostname?: string;
  /** `reportingInstance` of Events: the Pod name. */
  readonly instance: string;
  readonly logger: Logger;
  readonly metrics?: SyncMetrics;
  readonly now?: () => Date;
  /** Problems found outside the compiler (hosts that could not be attached, `--manage-hosts`): reported as Events too. */
  readonly moreProblems?: () => readonly Problem[];
}

export const EVENT_REASON = "EdgeIngressProblem";
export const REPORTING_CONTROLLER = "edge-ingress.dev/controller";

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/**
 * What the leader writes back to the cluster after each compile: Ingress status, the status of our LoadBalancer
 * Services, and Warning Events. Plans are pure (see plan-*.ts); this applies them, writing only what changed. A
 * failed write is logged and retried on the next loop; it never stops publishing.
 */
export class ClusterWriter {
  private reported = new Set<string>();
  /** Status writes made, by `namespace/name`: the version written over and the entries, until the cache catches up. */
  private readonly written = new Map<string, string>();
  /** The same for Service status writes. */
  private readonly writtenServices = new Map<string, string>();
  /** The same for Gateway API status writes, by `Kind namespace/name`. */
  private readonly writtenGateway = new Map<string, string>();

  constructor(private readonly options: ClusterWriterOptions) {}

  async reconcile(result: CompileResult, cluster: ClusterState): Promise<void> {
    await this.writeStatus(result, cluster.ingresses as readonly IngressWithStatus[]);
    await this.writeServiceStatus(result, cluster.services as readonly ServiceWithStatus[]);
    await this.writeGatewayStatus(result, cluster as GatewayObjectsWithStatus);
    await this.reportProblems(result, cluster);
  }

  /**
   * Gateway API status, as the conformance suite reads it: an update (PUT) of the status subresource with the
   * resourceVersion read, so a concurrent change fails (409) and is retried next loop; only what changed.
   */
  private async writeGatewayStatus(result: CompileResult, objects: GatewayObjectsWithStatus): Promise<void> {
    const api = this.options.customObjects;
    if (api === undefined) return;
    const now = (this.options.now ?? (() => new Date()))();
    for (const change of planGatewayStatus(objects, result.gateway, this.options.edgeHostname, now)) {
      const key = `${change.kind} ${change.namespace === null ? "" : `${change.namespace}/`}${change.name}`;
      const memo = `${change.resourceVersion ?? ""} ${JSON.stringify(change.status)}`;
      if (this.writtenGateway.get(key) === memo) continue;
      const plural = change.kind === "GatewayClass" ? "gatewayclasses" : change.kind === "Gateway" ? "gateways" : "httproutes";
      const body = {
        apiVersion: `${GATEWAY_GROUP}/v1`,
        kind: change.kind,
        metadata: { name: change.name, ...(change.namespace === null ? {} : { namespace: change.namespace }), resourceVersion: change.resourceVersion },
        status: change.status,
      };
      try {
        if (change.namespace === null) {
          await api.replaceClusterCustomObjectStatus({ group: GATEWAY_GROUP, version: "v1", plural, name: change.name, body });
        } else {
          await api.replaceNamespacedCustomObjectStatus({ group: GATEWAY_GROUP, version: "v1", namespace: change.namespace, plural, name: change.name, body });
        }
        this.writtenGateway.set(key, memo);
        this.count("status", "ok");
        this.options.logger.log("info", "gateway-status-written", { object: key });
      } catch (error) {
        this.count("status", "error");
        this.options.logger.log(isConflict(error) ? "debug" : "warn", "gateway-status-failed", { object: key, error: describeKubeError(error) });
      }
    }
    const keyOf = (kind: string, o: { metadata?: { namespace?: string; name?: string } }, namespaced: boolean) =>
      `${kind} ${namespaced ? `${o.metadata?.namespace ?? "default"}/` : ""}${o.metadata?.name ?? ""}`;
    const live = new Set([
      ...(objects.gatewayClasses ?? []).map((o) => keyOf("GatewayClass", o, false)),
      ...(objects.gateways ?? []).map((o) => keyOf("Gateway", o, true)),
      ...(objects.httpRoutes ?? []).map((o) => keyOf("HTTPRoute", o, true)),
    ]);
    for (const key of this.writtenGateway.keys()) if (!live.has(key)) this.writtenGateway.delete(key);
  }

  private async writeStatus(result: CompileResult, ingresses: readonly IngressWithStatus[]): Promise<void> {
    const hostname = this.options.edgeHostname;
    if (hostname === undefined) return;
    for (const change of planIngressStatus(ingresses, new Set(result.served), hostname)) {
      const key = `${change.namespace}/${change.name}`;
      const memo = `${change.resourceVersion ?? ""} ${JSON.stringify(change.entries)}`;
      if (this.written.get(key) === memo) continue; // written already; the watch has not brought it back yet
      try {
        await this.options.networking.patchNamespacedIngressStatus({
          name: change.name,
          namespace: change.namespace,
          body: {
            // A merge patch with a resourceVersion is conditional: a concurrent change makes it fail, not clobber.
            metadata: { resourceVersion: change.resourceVersion },
            status: { loadBalancer: { ingress: change.entries.length === 0 ? null : change.entries } },
          },
        }, mergePatch);
        this.written.set(key, memo);
        this.count("status", "ok");
        this.options.logger.log("info", "ingress-status-written", { ingress: key, hostnames: change.entries.map((e) => e.hostname ?? e.ip) });
      } catch (error) {
        this.count("status", "error");
        this.options.logger.log(isConflict(error) ? "debug" : "warn", "ingress-status-failed", { ingress: key, error: describeKubeError(error) });
      }
    }
    const live = new Set(ingresses.map((i) => `${i.metadata?.namespace ?? "default"}/${i.metadata?.name ?? ""}`));
    for (const key of this.written.keys()) if (!live.has(key)) this.written.delete(key);
  }

  /**
   * An update (PUT) of the status subresource, not a patch: RBAC then grants `services/status` update only. The
   * resourceVersion makes it conditional, so a Service changed meanwhile fails (409) and is retried next loop.
   */
  private async writeServiceStatus(result: CompileResult, services: readonly ServiceWithStatus[]): Promise<void> {
    const hostname = this.options.edgeHostname;
    if (hostname === undefined) return;
    for (const change of planServiceStatus(services, new Set(result.servedServices), hostname)) {
      const key = `${change.namespace}/${change.name}`;
      const memo = `${change.resourceVersion ?? ""} ${JSON.stringify(change.entries)}`;
      if (this.writtenServices.get(key) === memo) continue;
      try {
        await this.options.core.replaceNamespacedServiceStatus({
          name: change.name,
          namespace: change.namespace,
          body: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: change.name, namespace: change.namespace, resourceVersion: change.resourceVersion },
            status: change.status,
          },
        });
        this.writtenServices.set(key, memo);
        this.count("status", "ok");
        this.options.logger.log("info", "service-status-written", { service: key, hostnames: change.entries.map((e) => e.hostname ?? e.ip) });
      } catch (error) {
        this.count("status", "error");
        this.options.logger.log(isConflict(error) ? "debug" : "warn", "service-status-failed", { service: key, error: describeKubeError(error) });
      }
    }
    const live = new Set(services.map((s) => `${s.metadata?.namespace ?? "default"}/${s.metadata?.name ?? ""}`));
    for (const key of this.writtenServices.keys()) if (!live.has(key)) this.writtenServices.delete(key);
  }

  private async reportProblems(result: CompileResult, cluster: ClusterState): Promise<void> {
    const problems = [...result.content.problems, ...(this.options.moreProblems?.() ?? [])];
    const { toReport, current } = planProblemEvents(problems, cluster.ingresses, this.reported, cluster.services, cluster);
    const reported = new Set([...this.reported].filter((key) => current.has(key)));
    for (const event of toReport) {
      if (await this.emit(event)) reported.add(event.key);
    }
    this.reported = reported;
  }

  private async emit(event: ProblemEvent): Promise<boolean> {
    const now = (this.options.now ?? (() => new Date()))();
    const body: CoreV1Event = {
      metadata: { name: event.eventName, namespace: event.namespace },
      involvedObject: {
        apiVersion: event.involved.apiVersion,
        kind: event.involved.kind,
        namespace: event.namespace,
        name: event.involved.name,
        ...(event.involved.uid === undefined ? {} : { uid: event.involved.uid }),
        ...(event.involved.resourceVersion === undefined ? {} : { resourceVersion: event.involved.resourceVersion }),
      },
      type: "Warning",
      reason: EVENT_REASON,
      message: event.message,
      source: { component: "edge-ingress" },
      reportingComponent: REPORTING_CONTROLLER,
      reportingInstance: this.options.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    const object = { [event.involved.kind.toLowerCase()]: `${event.namespace}/${event.involved.name}` };
    try {
      try {
        await this.options.core.createNamespacedEvent({ namespace: event.namespace, body });
      } catch (error) {
        if (!(error instanceof ApiException) || error.code !== 409) throw error;
        // Reported by an earlier run of the agent: say it is still so.
        await this.options.core.patchNamespacedEvent({ name: event.eventName, namespace: event.namespace, body: { lastTimestamp: now.toISOString(), message: event.message } }, mergePatch);
      }
      this.count("event", "ok");
      this.options.logger.log("warn", `${event.involved.kind.toLowerCase()}-problem`, { ...object, reason: event.message });
      return true;
    } catch (error) {
      this.count("event", "error");
      this.options.logger.log("warn", "event-write-failed", { ...object, error: describeKubeError(error) });
      return false;
    }
  }

  private count(kind: string, result: string): void {
    this.options.metrics?.clusterWrites.inc({ kind, result });
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof ApiException && (error.code === 409 || error.code === 404);
}

