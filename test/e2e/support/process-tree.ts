import { readdir, readFile, readlink } from "node:fs/promises";

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly group: number;
  /** The state letter of /proc/PID/stat: "Z" is a zombie, exited but not yet reaped. */
  readonly state: string;
  /** The executable's name (comm), e.g. "node" or "workerd". */
  readonly name: string;
  readonly commandLine: string;
}

export interface ListeningPort {
  readonly address: string;
  readonly port: number;
}

/** Every process on the machine, from /proc (Linux); those that vanish while it reads are left out. */
export async function readProcesses(): Promise<Map<number, ProcessInfo>> {
  const processes = new Map<number, ProcessInfo>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ")".
      const close = stat.lastIndexOf(")");
      const [state = "", ppid = "", group = ""] = stat.slice(close + 2).split(" ");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const commandLine = (await readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " ").trim();
      processes.set(Number(entry), { pid: Number(entry), ppid: Number(ppid), group: Number(group), state, name, commandLine });
    } catch {
      // gone meanwhile
    }
  }
  return processes;
}

/** The processes below `root` (children, their children, …) by parent pid: what is re-parented is no longer found. */
export function listDescendants(root: number, processes: ReadonlyMap<number, ProcessInfo>): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const info of processes.values()) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  const found: ProcessInfo[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** The TCP ports `pids` listen on (sockets in state LISTEN among their open files). */
export async function listListeningPorts(pids: Iterable<number>): Promise<ListeningPort[]> {
  const listening = new Map<string, ListeningPort>();
  for (const [file, decode] of [["/proc/net/tcp", decodeIpv4], ["/proc/net/tcp6", decodeIpv6]] as const) {
    const lines = (await readFile(file, "utf8").catch(() => "")).split("\n").slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local = "", state = "", inode = ""] = [fields[1], fields[3], fields[9]];
      if (state !== "0A") continue; // TCP_LISTEN
      const [address = "", port = ""] = local.split(":");
      listening.set(inode, { address: decode(address), port: Number.parseInt(port, 16) });
    }
  }
  const ports: ListeningPort[] = [];
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const port = inode === undefined ? undefined : listening.get(inode);
      if (port !== undefined) ports.push(port);
    }
  }
  return ports;
}

/** /proc/net/tcp writes an IPv4 address as one 32-bit word in host (little-endian) order. */
function decodeIpv4(hex: string): string {
  return (hex.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16)).reverse().join(".");
}

/** /proc/net/tcp6: four 32-bit words, each in host order. */
function decodeIpv6(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse());
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push(`${bytes[i] ?? "00"}${bytes[i + 1] ?? "00"}`);
  return groups.join(":");
}
