import { readFileSync } from "node:fs";

/**
 * The agent's private push key, as read (JSON, not yet checked as a key): from `--push-key-file` or the
 * `EDGE_PUSH_PRIVATE_JWK` variable, exactly one of them. Problems go into `problems`; null then.
 */
export function readPushKey(file: string | undefined, inline: string | undefined, problems: string[]): unknown {
  if (file !== undefined && inline !== undefined) {
    problems.push("give the push key once: --push-key-file (EDGE_PUSH_KEY_FILE) or EDGE_PUSH_PRIVATE_JWK, not both");
    return null;
  }
  if (file === undefined && inline === undefined) {
    problems.push("give the push key: --push-key-file PATH or EDGE_PUSH_PRIVATE_JWK (make one with \"edge-ingress keygen\")");
    return null;
  }
  let text = inline ?? "";
  if (file !== undefined) {
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      problems.push(`cannot read --push-key-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return null;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    problems.push(`the push key${file === undefined ? " in EDGE_PUSH_PRIVATE_JWK" : ` in ${file}`} is not JSON (expected a JWK)`);
    return null;
  }
}
