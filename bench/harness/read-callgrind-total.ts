/**
 * The instructions counted in one callgrind output file: its `totals:` line (or, in files without one,
 * `summary:`), whose first figure is the first event, Ir (instructions executed) unless `events:` says otherwise.
 * Null when the file names no Ir event or carries no total.
 */
export function readCallgrindTotal(text: string): number | null {
  const events = /^events:\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
  const column = events.indexOf("Ir");
  if (column < 0) return null;
  const line = /^totals:\s*(.+)$/m.exec(text) ?? /^summary:\s*(.+)$/m.exec(text);
  const figure = line?.[1]?.trim().split(/\s+/)[column];
  if (figure === undefined || !/^\d+$/.test(figure)) return null;
  return Number(figure);
}
