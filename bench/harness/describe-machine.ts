import { cpus, loadavg, release, totalmem } from "node:os";

/** What the figures were measured on: they mean little without it. */
export interface MachineDescription {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  /** 1-minute load average when the figures were taken: other work on a shared machine skews them. */
  readonly loadAverage: number;
}

export function describeMachine(): MachineDescription {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? "unknown",
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    loadAverage: currentLoad(),
  };
}

export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/**
 * A warning to print with the figures when something else kept the machine busy, or null. Before the run the
 * machine should be nearly idle; after it, the benchmark's own processes (load generator, proxy, backends) account
 * for a load of about two per core at most.
 */
export function warnIfBusy(loadBefore: number, machine: MachineDescription): string | null {
  if (loadBefore <= machine.cores * 0.75 && machine.loadAverage <= machine.cores * 2.5) return null;
  const busiest = Math.max(loadBefore, machine.loadAverage);
  return `warning: load average reached ${busiest.toFixed(1)} on ${machine.cores} cores: other work ran alongside, figures are unreliable`;
}
