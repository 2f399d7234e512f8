/** JSON lines on stderr: one event per line, machine-readable, never per request. */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>): void;
  child(fields: Readonly<Record<string, unknown>>): Logger;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: {
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
  fields?: Readonly<Record<string, unknown>>;
} = {}): Logger {
  const min = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  return {
    log(level, event, fields = {}) {
      if (RANK[level] < min) return;
      write(`${JSON.stringify({ time: now().toISOString(), level, event, ...base, ...fields }, errorReplacer)}\n`);
    },
    child(fields) {
      return createLogger({ ...options, fields: { ...base, ...fields } });
    },
  };
}

/** A silent logger, for code paths whose callers did not ask for logs. */
export const silentLogger: Logger = { log() {}, child() { return silentLogger; } };

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { message: value.message, ...("code" in value ? { code: value.code } : {}) };
  return value;
}
