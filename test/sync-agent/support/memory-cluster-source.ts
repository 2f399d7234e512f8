import type { ClusterState } from "../../../core/compile/cluster-objects.ts";
import type { ClusterSource } from "../../../sync-agent/loop/cluster-source.ts";
import { cluster } from "../../support/cluster-builder.ts";

/** A ClusterSource held in memory: tests set the state and the source signals the change. */
export class MemoryClusterSource implements ClusterSource {
  private state: ClusterState = cluster({});
  private isSynced = false;
  private readonly listeners: (() => void)[] = [];

  set(state: ClusterState): void {
    this.state = state;
    this.isSynced = true;
    this.listeners.forEach((listener) => listener());
  }

  start(): void {}
  async stop(): Promise<void> {}
  synced(): boolean {
    return this.isSynced;
  }
  snapshot(): ClusterState {
    return this.state;
  }
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
  problems(): readonly string[] {
    return [];
  }
}
