import type { HeaderEdits } from "../table/route-policy.ts";

/** Gateway API header modifier edits, ready to apply: set, then add, then remove, as the spec orders them. */
export interface CompiledHeaderEdits {
  readonly set: readonly (readonly [string, string])[];
  readonly add: readonly (readonly [string, string])[];
  readonly remove: readonly string[];
}

export function compileHeaderEdits(edits: HeaderEdits): CompiledHeaderEdits {
  return {
    set: (edits.set ?? []).map(({ name, value }) => [name, value] as const),
    add: (edits.add ?? []).map(({ name, value }) => [name, value] as const),
    remove: edits.remove ?? [],
  };
}

/** The edits applied to a Headers object in place (both runtimes have Headers: the edge and `explain`). */
export function applyHeaderEdits(headers: Headers, edits: CompiledHeaderEdits): void {
  for (const [name, value] of edits.set) headers.set(name, value);
  for (const [name, value] of edits.add) headers.append(name, value);
  for (const name of edits.remove) headers.delete(name);
}
