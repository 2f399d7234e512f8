import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export interface RequiredTool {
  readonly command: string;
  /** What to run to install it on this machine (Debian). */
  readonly install: string;
}

// Debian installs haproxy in /usr/sbin, which is not on an ordinary user's PATH.
const EXTRA_DIRECTORIES = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

/** The absolute path of each tool; fails with one message listing every missing tool and how to install it. */
export function findTools(tools: readonly RequiredTool[]): Map<string, string> {
  const directories = [...(process.env["PATH"] ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRECTORIES];
  const found = new Map<string, string>();
  const missing: RequiredTool[] = [];
  for (const tool of tools) {
    const path = directories.map((directory) => join(directory, tool.command)).find(isExecutable);
    if (path === undefined) missing.push(tool);
    else found.set(tool.command, path);
  }
  if (missing.length > 0) {
    const lines = missing.map((tool) => `  ${tool.command}: not found; install with: ${tool.install}`);
    throw new Error(`missing tools:\n${lines.join("\n")}`);
  }
  return found;
}

export function requireTool(found: ReadonlyMap<string, string>, command: string): string {
  const path = found.get(command);
  if (path === undefined) throw new Error(`${command} was not looked up`);
  return path;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
