/** Which of a backend's targets the table marks down, and whether the backend fails open instead. */
export interface DownTargets {
  /** Node names not to be used, in the order given. Empty when the backend fails open. */
  readonly down: readonly string[];
  /** Every target failed its checks, so every target is served, as AWS NLB/ALB and GCP load balancers do. */
  readonly failedOpen: boolean;
}

/**
 * Marks down the targets whose checks failed, unless that would be all of them: then none is marked down and the
 * backend fails open. When every check fails at once the likelier cause is the checks themselves (a firewall or
 * NAT between the agent and the Nodes), and a guess that sends traffic beats a certain 503; the edge's own
 * failover still steps over the targets that are really dead. A backend without targets (no ready endpoint) has
 * nothing to fail open to and stays empty.
 */
export function markDownTargets(targets: readonly string[], unhealthy: (node: string) => boolean): DownTargets {
  const down = targets.filter(unhealthy);
  return down.length > 0 && down.length === targets.length ? { down: [], failedOpen: true } : { down, failedOpen: false };
}
