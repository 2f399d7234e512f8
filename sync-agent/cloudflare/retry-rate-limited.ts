import { type BackoffPolicy, backoffDelay } from "../loop/backoff.ts";
import { CloudflareApiError, toCloudflareApiError } from "./cloudflare-api-error.ts";

export interface RateLimitRetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  /** A Retry-After longer than this is not waited for: the call fails as `rate-limited` with `retryAfterMs` set. */
  readonly maxWaitMs?: number;
  /** When a 429 carries no Retry-After. */
  readonly backoff?: BackoffPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Total time for the call, waits included: a wait that would pass it is not made. */
  readonly budgetMs?: number;
  readonly nowMs?: () => number;
  /** Told before each wait: for logs and metrics. */
  readonly onRetry?: (error: CloudflareApiError, waitMs: number, attempt: number) => void;
}

export const defaultRateLimitRetry = {
  maxAttempts: 4,
  maxWaitMs: 60_000,
  backoff: { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 },
} as const;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one API call, retrying only when Cloudflare answered 429: the request was refused before it did
 * anything, so repeating it is safe even for a POST. Waits what Retry-After says (backoff when it says nothing),
 * within `maxWaitMs`. Every other failure is thrown at once as a {@link CloudflareApiError}.
 */
export async function retryRateLimited<T>(action: string, call: () => Promise<T>, options: RateLimitRetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? defaultRateLimitRetry.maxAttempts;
  const maxWaitMs = options.maxWaitMs ?? defaultRateLimitRetry.maxWaitMs;
  const wait = options.sleep ?? sleep;
  const now = options.nowMs ?? Date.now;
  const deadline = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : now() + options.budgetMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (caught) {
      const error = toCloudflareApiError(caught, action);
      if (error.code !== "rate-limited" || attempt >= maxAttempts) throw error;
      const delay = error.retryAfterMs ?? backoffDelay(options.backoff ?? defaultRateLimitRetry.backoff, attempt - 1, options.random);
      if (delay > maxWaitMs || now() + delay >= deadline) throw error;
      options.onRetry?.(error, delay, attempt);
      await wait(delay);
    }
  }
}
