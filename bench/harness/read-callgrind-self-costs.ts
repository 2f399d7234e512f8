/**
 * Each function's self cost in instructions (Ir) from one callgrind output file: the cost lines under its `fn=`
 * entry, without the line after each `calls=`, which is the inclusive cost of a call made from it. Names are
 * merged across objects and recursion levels (`name'2`); callgrind's name compression (`(id) name`, then `(id)`)
 * is undone. Empty when the file counts no Ir.
 */
export function readCallgrindSelfCosts(text: string): Map<string, number> {
  const costs = new Map<string, number>();
  const events = /^events:\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
  const eventColumn = events.indexOf("Ir");
  if (eventColumn < 0) return costs;
  const positions = /^positions:\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).length ?? 1;
  const column = positions + eventColumn;
  const names = new Map<string, string>();
  const nameOf = (spec: string): string => {
    const compressed = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec);
    if (compressed === null) return spec;
    const [, id = "", name] = compressed;
    if (name !== undefined) names.set(id, name);
    return names.get(id) ?? `(${id})`;
  };
  let current: string | null = null;
  let callCostNext = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("fn=")) {
      current = nameOf(line.slice(3).trim()).replace(/'\d+$/, "");
    } else if (line.startsWith("cfn=")) {
      nameOf(line.slice(4).trim());
    } else if (line.startsWith("calls=")) {
      callCostNext = true;
    } else if (/^[0-9+\-*]/.test(line)) {
      if (callCostNext) {
        callCostNext = false;
        continue;
      }
      const figure = line.trim().split(/\s+/)[column];
      if (current === null || figure === undefined) continue;
      costs.set(current, (costs.get(current) ?? 0) + Number(figure));
    }
  }
  return costs;
}
