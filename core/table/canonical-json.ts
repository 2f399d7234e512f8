/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. Arrays keep their order — the
 * compiler is responsible for sorting them — so the same table always gives the same bytes.
 */
export function toCanonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * The value with every object's keys in order. Objects already in order are reused, not copied: a table parsed
 * from canonical bytes (every table an edge loads) comes back whole, so checking its version on a cold isolate
 * costs a walk and one `JSON.stringify`, not a copy of every object.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return sortArray(value);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!inCanonicalOrder(keys, record)) return copySorted(keys, record);
  let copy: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? "";
    const member = record[key];
    const sorted = sortKeys(member);
    if (sorted !== member && copy === null) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j] ?? ""] = record[keys[j] ?? ""];
    }
    if (copy !== null) copy[key] = sorted;
  }
  return copy ?? record;
}

function sortArray(items: readonly unknown[]): readonly unknown[] {
  let copy: unknown[] | null = null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const sorted = sortKeys(item);
    if (sorted !== item && copy === null) copy = items.slice(0, i);
    if (copy !== null) copy.push(sorted);
  }
  return copy ?? items;
}

function inCanonicalOrder(keys: readonly string[], record: Record<string, unknown>): boolean {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? "";
    if (record[key] === undefined) return false;
    if (i > 0 && (keys[i - 1] ?? "") >= key) return false;
  }
  return true;
}

function copySorted(keys: readonly string[], record: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of [...keys].sort()) {
    const member = record[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}
