import { readdir, readFile } from "node:fs/promises";

export interface GroupMember {
  readonly pid: number;
  readonly group: number;
  readonly state: string;
  readonly command: string;
}

/**
 * The processes still running in any of `groups`, from /proc (Linux). Zombies are left out: a process that has
 * exited but that init has not reaped yet holds no port and does no work.
 */
export async function listGroupMembers(groups: readonly number[]): Promise<GroupMember[]> {
  const wanted = new Set(groups);
  const members: GroupMember[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ")".
    const close = stat.lastIndexOf(")");
    const [state = "", , group = ""] = stat.slice(close + 2).split(" ");
    if (!wanted.has(Number(group)) || state === "Z") continue;
    members.push({ pid: Number(entry), group: Number(group), state, command: stat.slice(stat.indexOf("(") + 1, close) });
  }
  return members;
}
