import { checkUsage, runCheck } from "./check-command.ts";
import type { CommandIo } from "./command-io.ts";
import { compileUsage, runCompile } from "./compile-command.ts";
import { explainUsage, runExplain } from "./explain-command.ts";
import { devUsage, runDev } from "./dev-command.ts";
import { keygenUsage, runKeygen } from "./keygen-command.ts";
import { runStatus, statusUsage } from "./status-command.ts";
import { runSync, syncUsage } from "./sync-command.ts";
import { runVerify, verifyUsage } from "./verify-command.ts";
import { UsageError } from "./usage-error.ts";

type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

const commands: Readonly<Record<string, { run: Command; usage: string }>> = {
  compile: { run: runCompile, usage: compileUsage },
  explain: { run: runExplain, usage: explainUsage },
  check: { run: runCheck, usage: checkUsage },
  sync: { run: runSync, usage: syncUsage },
  keygen: { run: runKeygen, usage: keygenUsage },
  dev: { run: runDev, usage: devUsage },
  verify: { run: runVerify, usage: verifyUsage },
  status: { run: runStatus, usage: statusUsage },
};

export function usage(): string {
  return `Usage: edge-ingress <command> [flags]\n\n${Object.values(commands).map((c) => c.usage).join("\n\n")}\n`;
}

/** Runs one CLI invocation; returns the exit code. Errors with a `code` are reported plainly, not as stacks. */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr(`edge-ingress: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`edge-ingress ${name}: ${error.problems.map((p) => `\n  - ${p}`).join("")}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof Error && "code" in error) {
      io.stderr(`edge-ingress ${name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
