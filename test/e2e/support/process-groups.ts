import { readProcesses } from "./process-tree.ts";

export interface GroupMember {
  readonly pid: number;
  readonly group: number;
  readonly state: string;
  /** The executable's name (comm), e.g. "node" or "workerd". */
  readonly command: string;
}

/**
 * The processes still running in any of `groups`, from /proc (Linux). Zombies are left out: a process that has
 * exited but that init has not reaped yet holds no port and does no work.
 */
export async function listGroupMembers(groups: readonly number[]): Promise<GroupMember[]> {
  const wanted = new Set(groups);
  return [...(await readProcesses()).values()]
    .filter((info) => wanted.has(info.group) && info.state !== "Z")
    .map((info) => ({ pid: info.pid, group: info.group, state: info.state, command: info.name }));
}
