/** What a policy step sees of a request: plain facts, read lazily where they cost a call into the runtime. */
export interface PolicyRequest {
  readonly scheme: "http" | "https";
  /** Normalised host. */
  readonly host: string;
  /** The path as received (nginx's `$request_uri` without the query). */
  readonly rawPath: string;
  /** Normalised path (nginx's `$uri`). */
  readonly path: string;
  /** The query with its `?`, or "". */
  readonly query: string;
  readonly method: string;
  /** The real client address (CF-Connecting-IP at the edge); null when unknown. */
  readonly clientIp: string | null;
  /** The Prefix path of the rule that matched (what a Gateway API ReplacePrefixMatch replaces); null for Exact. */
  readonly matchedPrefix: string | null;
  /** A request header, by lower-case name; null when absent. */
  readonly header: (name: string) => string | null;
}

/** A step's answer in place of the backend's: a redirect, a preflight, or a refusal. */
export interface PolicyAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  /** Why, in words: the body of an error, and what `explain` shows. */
  readonly reason: string;
}

/** One small pure step over the route decision: an answer ends the request at the edge, null lets it go on. */
export type PolicyStep = (request: PolicyRequest) => PolicyAnswer | null;
