/** One benchmark: `npm run bench -- <name> [options]` runs it with its own options. */
export interface Benchmark {
  readonly name: string;
  readonly summary: string;
  readonly run: (args: readonly string[]) => Promise<void>;
}
