import Cloudflare from "cloudflare";

export interface CloudflareClientOptions {
  readonly apiToken: string;
  /** Default: the real API. Tests point it at a fake server on loopback. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Per request. */
  readonly timeoutMs?: number;
}

/**
 * The official SDK, with its own retries off: its retry loop would honour any Retry-After, however long, and
 * would repeat a POST after a 5xx. Our callers retry what is safe to retry (see `retryRateLimited`) and
 * re-plan the rest on the next pass. Its console logging is off too: the agent logs JSON lines itself.
 */
export function createCloudflareClient(options: CloudflareClientOptions): Cloudflare {
  return new Cloudflare({
    apiToken: options.apiToken,
    // Never from the environment (CLOUDFLARE_API_KEY/EMAIL would silently add a second identity).
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    ...(options.baseUrl === undefined ? {} : { baseURL: options.baseUrl }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    timeout: options.timeoutMs ?? 30_000,
    maxRetries: 0,
    logLevel: "off",
  });
}

export type { Cloudflare };
