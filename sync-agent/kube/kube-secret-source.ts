import { CoreV1Api, type KubeConfig, type V1Secret } from "@kubernetes/client-node";
import type { BackoffPolicy } from "../loop/backoff.ts";
import type { Logger } from "../observe/logger.ts";
import type { SecretStore } from "../tls/secret-store.ts";
import { type SecretObject, TLS_SECRET_TYPE } from "../tls/select-tls-secrets.ts";
import { SupervisedInformer } from "./supervised-informer.ts";

export interface KubeSecretSourceOptions {
  readonly backoff: BackoffPolicy;
  readonly watchTimeoutSeconds: number;
  readonly logger: Logger;
  readonly onRestart?: () => void;
}

/** Where Secrets live in the API. Keep deploy/components/tls-secrets in step: it grants list and watch on them. */
export const SECRETS_PATH = "/api/v1/secrets";
const FIELD_SELECTOR = `type=${TLS_SECRET_TYPE}`;

/**
 * TLS Secrets of every namespace, as one supervised informer restricted by the API server to type
 * kubernetes.io/tls (a field selector): other Secrets never reach the agent. Only for `--upload-certificates`,
 * which needs the extra RBAC grant; the default ClusterRole has no access to Secrets. Separate from the cluster
 * source on purpose: a Secret watch that is refused or down holds up certificates, never the routing table.
 */
export class KubeSecretSource implements SecretStore {
  private readonly informer: SupervisedInformer<V1Secret>;
  private readonly listeners: (() => void)[] = [];

  constructor(config: KubeConfig, options: KubeSecretSourceOptions) {
    const core = config.makeApiClient(CoreV1Api);
    this.informer = new SupervisedInformer("secrets", config, SECRETS_PATH, () => core.listSecretForAllNamespaces({ fieldSelector: FIELD_SELECTOR }), {
      backoff: options.backoff,
      watchTimeoutSeconds: options.watchTimeoutSeconds,
      logger: options.logger,
      fieldSelector: FIELD_SELECTOR,
      onChange: () => this.listeners.forEach((listener) => listener()),
      ...(options.onRestart === undefined ? {} : { onRestart: options.onRestart }),
    });
  }

  start(): void {
    this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  synced(): boolean {
    return this.informer.synced();
  }

  secrets(): readonly SecretObject[] {
    // The client's V1Secret is structurally a SecretObject (data as base64 strings).
    return this.informer.list() as readonly SecretObject[];
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
