import { ApiException, type CoordinationV1Api, type V1Lease, V1MicroTime } from "@kubernetes/client-node";
import type { Leadership } from "../loop/leadership.ts";
import { describeKubeError } from "../kube/describe-kube-error.ts";
import type { Logger } from "../observe/logger.ts";

export interface LeaseElectorOptions {
  readonly api: CoordinationV1Api;
  readonly namespace: string;
  readonly name: string;
  /** This replica's name in the Lease (the Pod name). */
  readonly identity: string;
  /** How long a Lease holds without renewal. Whole seconds on the API. */
  readonly leaseDurationMs: number;
  /** A leader that could not renew for this long stops acting as leader. Must be below the lease duration. */
  readonly renewDeadlineMs: number;
  /** How often to try to acquire or renew. */
  readonly retryPeriodMs: number;
  readonly logger: Logger;
  /** Local monotonic-ish time in ms; expiry is judged by when this replica saw the Lease change, not by the holder's clock. */
  readonly now?: () => number;
}

export class LeaseConfigError extends Error {
  readonly code = "LEASE_CONFIG_INVALID";
}

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: the holder renews every retry period;
 * others take over only after seeing the Lease unchanged for a whole lease duration (on their own clock, so
 * clock skew between Nodes does not matter); every write carries the resourceVersion read, so two candidates
 * cannot both win. A leader that fails to renew within the renew deadline — shorter than the lease duration —
 * stops acting before anyone else may start.
 */
export class LeaseElector implements Leadership {
  private readonly now: () => number;
  private leader = false;
  private lastRenewAt = Number.NEGATIVE_INFINITY;
  private observed: { holder: string; renewTime: string; resourceVersion: string } | null = null;
  private observedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private ticking: Promise<void> = Promise.resolve();
  private readonly listeners: ((leader: boolean) => void)[] = [];

  constructor(private readonly options: LeaseElectorOptions) {
    if (!(options.renewDeadlineMs < options.leaseDurationMs)) throw new LeaseConfigError("the renew deadline must be shorter than the lease duration");
    if (!(options.retryPeriodMs < options.renewDeadlineMs)) throw new LeaseConfigError("the retry period must be shorter than the renew deadline");
    this.now = options.now ?? (() => performance.now());
  }

  /** Leader, and renewed recently enough that no other replica can have taken over. */
  isLeader(): boolean {
    return this.leader && this.now() - this.lastRenewAt < this.options.renewDeadlineMs;
  }

  onChange(listener: (leader: boolean) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  /** Stops campaigning; a leader releases the Lease so that a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    if (this.leader) {
      this.setLeader(false);
      await this.release();
    }
  }

  private tick(): void {
    this.ticking = this.tryAcquireOrRenew()
      .catch((error: unknown) => this.options.logger.log("warn", "lease-error", { error: describeKubeError(error) }))
      .finally(() => {
        if (this.leader && !this.isLeader()) {
          this.options.logger.log("warn", "leadership-lost", { reason: "could not renew within the deadline" });
          this.setLeader(false);
        }
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.options.retryPeriodMs);
      });
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const { api, namespace, name, identity } = this.options;
    const now = this.now();
    let lease: V1Lease;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 404) throw error;
      await this.write(() => api.createNamespacedLease({ namespace, body: this.leaseFor(null) }), now);
      return;
    }
    const holder = lease.spec?.holderIdentity ?? "";
    const record = { holder, renewTime: String(lease.spec?.renewTime ?? ""), resourceVersion: lease.metadata?.resourceVersion ?? "" };
    if (this.observed === null || this.observed.resourceVersion !== record.resourceVersion) {
      this.observed = record;
      this.observedAt = now;
    }
    const durationMs = (lease.spec?.leaseDurationSeconds ?? Math.ceil(this.options.leaseDurationMs / 1000)) * 1000;
    const expired = holder === "" || now - this.observedAt >= durationMs;
    if (holder !== identity && !expired) {
      if (this.leader) this.setLeader(false);
      return;
    }
    await this.write(() => api.replaceNamespacedLease({ name, namespace, body: this.leaseFor(lease) }), now);
  }

  /** A conflict means another replica wrote first: not an error, just not us this round. */
  private async write(call: () => Promise<V1Lease>, startedAt: number): Promise<void> {
    try {
      const written = await call();
      this.observed = { holder: this.options.identity, renewTime: String(written.spec?.renewTime ?? ""), resourceVersion: written.metadata?.resourceVersion ?? "" };
      this.observedAt = startedAt;
      // Count from when the request started: the Lease may have been written at any moment after.
      this.lastRenewAt = startedAt;
      if (!this.leader) this.setLeader(true);
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) return;
      throw error;
    }
  }

  private leaseFor(current: V1Lease | null): V1Lease {
    const { identity, namespace, name, leaseDurationMs } = this.options;
    const wall = new V1MicroTime(Date.now());
    const spec = current?.spec ?? {};
    const takingOver = spec.holderIdentity !== identity;
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace, ...(current?.metadata?.resourceVersion === undefined ? {} : { resourceVersion: current.metadata.resourceVersion }) },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.max(1, Math.ceil(leaseDurationMs / 1000)),
        acquireTime: takingOver ? wall : spec.acquireTime ?? wall,
        renewTime: wall,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver && current !== null ? 1 : 0),
      },
    };
  }

  private async release(): Promise<void> {
    const { api, namespace, name, identity } = this.options;
    try {
      const lease = await api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      await api.replaceNamespacedLease({
        name,
        namespace,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: new V1MicroTime(Date.now()) } },
      });
      this.options.logger.log("info", "lease-released", { lease: `${namespace}/${name}` });
    } catch (error) {
      this.options.logger.log("warn", "lease-release-failed", { error: describeKubeError(error) });
    }
  }

  private setLeader(leader: boolean): void {
    this.leader = leader;
    this.options.logger.log("info", leader ? "leadership-acquired" : "leadership-released", { identity: this.options.identity });
    for (const listener of this.listeners) listener(leader);
  }
}

