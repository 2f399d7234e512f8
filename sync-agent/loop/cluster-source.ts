import type { ClusterState } from "../../core/compile/cluster-objects.ts";

/**
 * Where the loop reads the cluster from: informer caches of a live cluster, or a folder of manifests. Changes
 * are only signalled; the loop reads the whole snapshot when it runs (level-triggered).
 */
export interface ClusterSource {
  start(): void;
  stop(): Promise<void>;
  /** True once the snapshot reflects the cluster (every kind listed). An unsynced source must not be published. */
  synced(): boolean;
  snapshot(): ClusterState;
  onChange(listener: () => void): void;
  /** Short status for readiness and logs: which parts are not connected. */
  problems(): readonly string[];
}
