/** A plain-text table with aligned columns: figures right-aligned, text left-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => isFigure(row[column])));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return numeric[column] === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...cells.slice(1).map(line)].join("\n");
}

/** Numbers, numbers already formatted as text, and the dash that stands for a missing figure. */
function isFigure(cell: string | number | undefined): boolean {
  return typeof cell === "number" || (cell !== undefined && /^(-?\d[\d.,]*|—)$/.test(cell));
}
