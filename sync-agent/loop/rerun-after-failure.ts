import { type BackoffPolicy, backoffDelay } from "./backoff.ts";

export interface RerunAfterFailureOptions {
  /** Asks the sync loop for another pass. */
  readonly requestRerun: () => void;
  readonly retry?: BackoffPolicy;
  readonly random?: () => number;
}

const DEFAULT_RETRY: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 };

/**
 * For work the sync loop runs after a compile (Cloudflare reconcilers): a failed run asks the loop for another
 * pass after a backoff that grows with consecutive failures, so a retry always works on the newest table.
 */
export class RerunAfterFailure {
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RerunAfterFailureOptions) {}

  succeeded(): void {
    this.failures = 0;
  }

  failed(): void {
    const delay = backoffDelay(this.options.retry ?? DEFAULT_RETRY, this.failures++, this.options.random);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.options.requestRerun(), delay);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
