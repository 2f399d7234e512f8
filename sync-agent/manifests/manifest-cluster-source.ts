import { type FSWatcher, watch } from "node:fs";
import type { ClusterState } from "../../core/compile/cluster-objects.ts";
import type { ClusterSource } from "../loop/cluster-source.ts";
import type { Logger } from "../observe/logger.ts";
import type { SecretStore } from "../tls/secret-store.ts";
import type { SecretObject } from "../tls/select-tls-secrets.ts";
import { loadManifestFolder } from "./load-manifests.ts";

export interface ManifestClusterSourceOptions {
  readonly logger: Logger;
  /** Editors write a file in several steps; wait this long after the last change before reading. */
  readonly debounceMs?: number;
  /** Read the folder's Secrets too (`--upload-certificates`): then this source is also the agent's {@link SecretStore}. */
  readonly readSecrets?: boolean;
}

/**
 * The cluster as a folder of manifests, for local use and demos. The folder is watched; an edit acts like a
 * cluster event. A folder that does not load (a broken file) keeps the last good snapshot and says why.
 */
export class ManifestClusterSource implements ClusterSource, SecretStore {
  private current: ClusterState | null = null;
  private currentSecrets: readonly SecretObject[] = [];
  private error: string | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly dir: string, private readonly options: ManifestClusterSourceOptions) {}

  start(): void {
    this.watcher = watch(this.dir, { recursive: true }, () => this.scheduleReload());
    this.watcher.on("error", (error) => this.options.logger.log("error", "manifests-watch-failed", { dir: this.dir, error }));
    this.scheduleReload(0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = null;
    await this.loading;
  }

  synced(): boolean {
    return this.current !== null;
  }

  snapshot(): ClusterState {
    return this.current ?? { ingresses: [], ingressClasses: [], services: [], endpointSlices: [], nodes: [] };
  }

  /** The folder's Secrets as of the last good load; always empty unless `readSecrets`. */
  secrets(): readonly SecretObject[] {
    return this.currentSecrets;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  problems(): readonly string[] {
    return this.error === null ? [] : [this.error];
  }

  /** Resolves once any pending reload has finished (for tests and shutdown). */
  settled(): Promise<void> {
    return this.loading;
  }

  private scheduleReload(delay = this.options.debounceMs ?? 100): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.loading = this.loading.then(() => this.reload());
    }, delay);
  }

  private async reload(): Promise<void> {
    try {
      const folder = await loadManifestFolder(this.dir, { secrets: this.options.readSecrets === true });
      this.current = folder.cluster;
      this.currentSecrets = folder.secrets;
      if (this.error !== null) this.options.logger.log("info", "manifests-valid-again", { dir: this.dir });
      this.error = null;
      this.listeners.forEach((listener) => listener());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.error) {
        this.options.logger.log("error", "manifests-invalid", {
          dir: this.dir,
          error: message,
          kept: this.current === null ? "nothing loaded yet" : "last good snapshot",
        });
      }
      this.error = message;
    }
  }
}
