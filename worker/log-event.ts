/** One JSON line per event. Errors and state changes only: no per-request info logs. */
export function logEvent(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** Logs an event once per key for the life of the isolate, so a standing problem is not logged per request. */
export function createOnceLogger(limit = 1_000): (key: string, level: "warn" | "error", event: string, fields?: Record<string, unknown>) => void {
  const seen = new Set<string>();
  return (key, level, event, fields) => {
    if (seen.has(key)) return;
    if (seen.size >= limit) seen.clear();
    seen.add(key);
    logEvent(level, event, fields);
  };
}
