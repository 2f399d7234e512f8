import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const resultsDirectory = fileURLToPath(new URL("../results/", import.meta.url));

/**
 * Writes `bench/results/<name>.json` and prints the figures as one JSON line: the last line a benchmark prints,
 * so that scripts can take it with `tail -n 1`.
 */
export async function writeResults(name: string, figures: Readonly<Record<string, unknown>>): Promise<string> {
  const record = { benchmark: name, ...figures };
  await mkdir(resultsDirectory, { recursive: true });
  const path = join(resultsDirectory, `${name}.json`);
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`results: ${path}`);
  console.log(JSON.stringify(record));
  return path;
}
