/**
 * The patch formats the API server accepts, for the shapes the agent sends. Strategic merge is served as a JSON
 * merge patch: the fields our client patches (`status.loadBalancer.ingress`, Event counters) have no patch merge
 * key, so the API server replaces them as a merge patch would.
 */
export type PatchType = "json" | "merge" | "strategic";

export function patchTypeOf(contentType: string | undefined): PatchType | null {
  const type = (contentType ?? "").split(";")[0]?.trim();
  if (type === "application/json-patch+json") return "json";
  if (type === "application/merge-patch+json") return "merge";
  if (type === "application/strategic-merge-patch+json") return "strategic";
  return null;
}

export function applyPatch(target: unknown, patch: unknown, type: PatchType): unknown {
  return type === "json" ? applyJsonPatch(target, patch) : applyMergePatch(target, patch);
}

/** RFC 7386. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

export class PatchError extends Error {}

/** RFC 6902: add, replace, remove, test. */
function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new PatchError("a JSON patch must be an array of operations");
  let doc: unknown = structuredClone(target);
  for (const op of patch as { op?: string; path?: string; value?: unknown }[]) {
    const tokens = (op.path ?? "").split("/").slice(1).map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
    if (tokens.length === 0) {
      if (op.op === "test") continue;
      doc = op.value;
      continue;
    }
    const last = tokens[tokens.length - 1] ?? "";
    let parent: unknown = doc;
    for (const token of tokens.slice(0, -1)) {
      parent = isObject(parent) || Array.isArray(parent) ? (parent as Record<string, unknown>)[token] : undefined;
      if (parent === undefined) throw new PatchError(`path ${op.path ?? ""} does not exist`);
    }
    if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      if (op.op === "add") parent.splice(index, 0, op.value);
      else if (op.op === "replace") parent[index] = op.value;
      else if (op.op === "remove") parent.splice(index, 1);
      else if (op.op === "test" && JSON.stringify(parent[index]) !== JSON.stringify(op.value)) throw new PatchError("test failed");
    } else if (isObject(parent)) {
      if (op.op === "add" || op.op === "replace") parent[last] = op.value;
      else if (op.op === "remove") delete parent[last];
      else if (op.op === "test" && JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new PatchError("test failed");
    } else {
      throw new PatchError(`path ${op.path ?? ""} does not exist`);
    }
  }
  return doc;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
