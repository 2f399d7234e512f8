/** Misconfiguration found before any work starts: every problem, listed together. */
export class UsageError extends Error {
  readonly code = "USAGE";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "UsageError";
  }
}
