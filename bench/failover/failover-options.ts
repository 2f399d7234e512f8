import { parseArgs } from "node:util";

export interface FailoverOptions {
  readonly durationSeconds: number;
  /** Concurrent GET loops (each one keep-alive client sending requests back to back). */
  readonly loops: number;
  /** Seconds after the load starts when the Node is killed, and when it is revived. */
  readonly killAtSeconds: number;
  readonly reviveAtSeconds: number;
  readonly node: string;
}

export const FAILOVER_USAGE = `npm run bench -- failover [options]
  --duration N    seconds of steady load                     (default 15)
  --loops N       concurrent GET loops                       (default 4)
  --kill-at N     seconds into the load when the Node dies   (default 3)
  --revive-at N   seconds into the load when it comes back   (default 9)
  --node NAME     the demo Node to kill: node-a, node-b or node-c  (default node-b)`;

const NODES = ["node-a", "node-b", "node-c"];

export function parseFailoverOptions(args: readonly string[]): FailoverOptions {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      duration: { type: "string", default: "15" },
      loops: { type: "string", default: "4" },
      "kill-at": { type: "string", default: "3" },
      "revive-at": { type: "string", default: "9" },
      node: { type: "string", default: "node-b" },
    },
  });
  const problems: string[] = [];
  const number = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) problems.push(`--${name} must be a number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const durationSeconds = number("duration", values.duration, 3, 300);
  const loops = number("loops", values.loops, 1, 64);
  if (Number.isFinite(loops) && !Number.isInteger(loops)) problems.push(`--loops must be an integer, got "${values.loops}"`);
  const killAtSeconds = number("kill-at", values["kill-at"], 0.5, 300);
  const reviveAtSeconds = number("revive-at", values["revive-at"], 1, 300);
  if (!(killAtSeconds < reviveAtSeconds && reviveAtSeconds < durationSeconds)) problems.push("--kill-at < --revive-at < --duration must hold");
  if (!NODES.includes(values.node)) problems.push(`--node must be one of ${NODES.join(", ")}, got "${values.node}"`);
  if (problems.length > 0) throw new Error(`failover benchmark options:\n  ${problems.join("\n  ")}\n\n${FAILOVER_USAGE}`);
  return { durationSeconds, loops, killAtSeconds, reviveAtSeconds, node: values.node };
}
