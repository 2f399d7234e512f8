/** Where a process's instructions went, by the kind of code that ran them (self cost, not inclusive). */
export type CodeKind = "javascript" | "v8-builtins" | "garbage-collection" | "memory-allocation" | "workerd" | "v8" | "kj" | "other";

export const CODE_KIND_LABELS: Readonly<Record<CodeKind, string>> = {
  javascript: "JavaScript (JIT code)",
  "v8-builtins": "V8 builtins (property access, promises, strings)",
  "garbage-collection": "garbage collection (V8 heap, wrappers)",
  "memory-allocation": "memory allocation (tcmalloc, new/delete)",
  workerd: "workerd (Web APIs and their JS bindings)",
  v8: "V8 API and runtime",
  kj: "kj (event loop, HTTP, strings)",
  other: "other (libc, ...)",
};

const KINDS: readonly (readonly [CodeKind, RegExp])[] = [
  // Code V8 generated at run time has no symbol: callgrind names it by address.
  ["javascript", /^0x[0-9a-f]+$/i],
  ["v8-builtins", /^Builtins_/],
  ["garbage-collection", /^(v8::internal::(Heap|Scavenge|Scavenger|ScavengerCollector|MarkCompact|MarkingVisitor|MainMarkingVisitor|MarkingWorklist|ConcurrentMarking|Sweeper|MinorMarkSweep|GlobalHandles|TracedHandles|MemoryAllocator|CppHeap|CppHeapPointerTable|EvacuateVisitorBase|Evacuator)|heap::|cppgc::|workerd::jsg::HeapTracer)|(Scaveng|Marking|MarkCompact|Evacuat|SweepAndCompact|ProcessStrongHeapObject)/],
  ["memory-allocation", /tcmalloc|^operator (new|delete)|^(malloc|free|calloc|realloc)$/],
  ["workerd", /^(workerd::|_ZN7workerd)/],
  ["v8", /^(v8::|_ZN2v8|v8_)/],
  ["kj", /^(kj::|_ZN2kj|capnp::|_ZN5capnp)/],
];

export function classifyFunction(name: string): CodeKind {
  return KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? "other";
}

export interface AttributionRow {
  readonly name: string;
  /** Instructions per request. */
  readonly over: number;
  readonly under: number;
  readonly difference: number;
}

export interface InstructionAttribution {
  readonly byKind: readonly (AttributionRow & { readonly kind: CodeKind })[];
  /** The functions that account for most of the difference, JIT code counted as one. */
  readonly topFunctions: readonly AttributionRow[];
}

/**
 * Where one process's instructions per request exceed another's: by kind of code, then by function. Inputs are
 * self costs per request (see readCallgrindSelfCosts); rows are sorted by difference, largest first.
 */
export function attributeInstructions(over: ReadonlyMap<string, number>, under: ReadonlyMap<string, number>, top: number): InstructionAttribution {
  const kinds = new Map<CodeKind, { over: number; under: number }>();
  const functions = new Map<string, { over: number; under: number }>();
  const add = (name: string, cost: number, side: "over" | "under"): void => {
    const kind = classifyFunction(name);
    const kindTotals = kinds.get(kind) ?? { over: 0, under: 0 };
    kindTotals[side] += cost;
    kinds.set(kind, kindTotals);
    const key = kind === "javascript" ? CODE_KIND_LABELS.javascript : name;
    const functionTotals = functions.get(key) ?? { over: 0, under: 0 };
    functionTotals[side] += cost;
    functions.set(key, functionTotals);
  };
  for (const [name, cost] of over) add(name, cost, "over");
  for (const [name, cost] of under) add(name, cost, "under");
  const row = (name: string, totals: { over: number; under: number }): AttributionRow => ({ name, over: totals.over, under: totals.under, difference: totals.over - totals.under });
  const byDifference = (left: AttributionRow, right: AttributionRow): number => right.difference - left.difference;
  return {
    byKind: [...kinds].map(([kind, totals]) => ({ kind, ...row(CODE_KIND_LABELS[kind], totals) })).sort(byDifference),
    topFunctions: [...functions].map(([name, totals]) => row(name, totals)).sort(byDifference).slice(0, top),
  };
}
