/** Whether this replica may publish and write to the cluster. The Lease elector implements it. */
export interface Leadership {
  isLeader(): boolean;
  onChange(listener: (leader: boolean) => void): void;
}

/** A single agent without election (`--manifests` mode, or election turned off). */
export const soleLeader: Leadership = { isLeader: () => true, onChange: () => {} };
